using System.Net;
using Tolk.Media.Srtp;

namespace Tolk.Media.Rtp;

/// <summary>Configuration of an <see cref="RtpSession"/>, typically filled from the negotiated SDP.</summary>
public sealed record RtpSessionOptions
{
    /// <summary>Local address to bind (IPv4 or IPv6); port 0 picks a free even port (with port+1 free unless rtcp-mux).</summary>
    public required IPEndPoint LocalEndPoint { get; init; }

    /// <summary>Remote RTP address from SDP (c= and m= lines); may be null when only latching will find it.</summary>
    public IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>Remote RTCP address (a=rtcp, RFC 3605); defaults to the RTP port + 1, or the RTP address with rtcp-mux.</summary>
    public IPEndPoint? RemoteRtcpEndPoint { get; init; }

    /// <summary>RTP and RTCP share one port (RFC 5761).</summary>
    public bool RtcpMux { get; init; }

    /// <summary>
    /// Symmetric RTP (RFC 4961) with latching: the first valid packet fixes the remote address (a NATed
    /// phone's real address often differs from its SDP). Without it, packets from anyone but the SDP
    /// address are dropped.
    /// </summary>
    public bool Latching { get; init; } = true;

    /// <summary>RTP clock rate of the received stream, for jitter statistics and RTCP timestamps.</summary>
    public int ClockRate { get; init; } = 8000;

    /// <summary>Silence on the wire after which <see cref="RtpSession.InactivityTimeout"/> is raised.</summary>
    public TimeSpan InactivityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Mean RTCP report interval (RFC 3550 §6.2 minimum is 5 s); each interval is randomised ×[0.5, 1.5].</summary>
    public TimeSpan RtcpInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive packets from a new SSRC after which the session re-locks to it (the peer restarted its stream).</summary>
    public int SsrcRelockPackets { get; init; } = 5;

    /// <summary>Our SSRC; random when null.</summary>
    public uint? LocalSsrc { get; init; }

    /// <summary>RTCP CNAME (RFC 7022 recommends a random per-session identifier).</summary>
    public string Cname { get; init; } = $"{Guid.NewGuid():N}@tolk";

    /// <summary>Decrypts received SRTP/SRTCP when set (not owned by the session).</summary>
    public SrtpContext? SrtpInbound { get; init; }

    /// <summary>Encrypts sent RTP/RTCP when set (not owned by the session).</summary>
    public SrtpContext? SrtpOutbound { get; init; }

    /// <summary>How received datagrams are taken off the RTP socket (async loop, or drained by the owner's <see cref="RtpSession.Poll"/>).</summary>
    public RtpReceiveMode ReceiveMode { get; init; } = RtpReceiveMode.Async;

    /// <summary>Process-wide metrics to report into; none when null.</summary>
    public RtpMetrics? Metrics { get; init; }
}

/// <summary>A snapshot of an <see cref="RtpSession"/>'s counters.</summary>
public readonly record struct RtpSessionCounters(
    long PacketsReceived,
    long BytesReceived,
    long PacketsSent,
    long BytesSent,
    long UnexpectedSource,
    long WrongSsrc,
    long SsrcChanges,
    long Malformed,
    long SrtpAuthFailures,
    long SrtpReplays,
    long RtcpReceived,
    long RtcpSent,
    long SendErrors);
