using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Media.Rtp.Native;
using Tolk.Media.Srtp;

namespace Tolk.Media.Rtp;

/// <summary>
/// Receives a validated RTP packet. Called on the session's receive loop; the packet's spans are
/// only valid during the call (copy what you keep, e.g. by pushing into a jitter buffer).
/// </summary>
public delegate void RtpPacketHandler(RtpSession session, RtpPacket packet);

/// <summary>
/// One RTP stream pair over UDP: binds a local socket (and port+1 for RTCP unless rtcp-mux), sends
/// payloads given to it, and delivers validated received packets to a handler. It applies symmetric
/// RTP latching, source filtering, an SSRC lock with re-lock, SRTP, RTCP reports, an inactivity
/// timeout and counters. It never chooses codecs. Receiving uses async socket operations, or (in
/// <see cref="RtpReceiveMode.Polled"/> mode) synchronous drains by the owner: no thread per session.
/// </summary>
public sealed partial class RtpSession : IAsyncDisposable
{
    private const int MaxPacket = 1500;

    private readonly RtpSessionOptions _options;
    private readonly RtpPacketHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Socket _rtpSocket;
    private readonly Socket? _rtcpSocket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sendGate = new();
    private readonly byte[] _sendBuffer = new byte[MaxPacket + 64];
    private readonly Lock _stateGate = new();

    private SocketAddress? _remoteRtp;
    private SocketAddress? _remoteRtcp;
    private IPEndPoint? _remoteRtpEndPoint;
    private bool _latched;
    private bool _rtcpLatched;
    private ushort _sequence;
    private Task? _rtpLoop;
    private Task? _rtcpLoop;
    private int _disposed;

    /// <summary>Binds the sockets. Call <see cref="Start"/> to begin receiving.</summary>
    /// <exception cref="SocketException">The local address cannot be bound.</exception>
    public RtpSession(RtpSessionOptions options, RtpPacketHandler handler, TimeProvider? timeProvider = null, ILogger<RtpSession>? logger = null)
    {
        _options = options;
        _handler = handler;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        (_rtpSocket, _rtcpSocket) = Bind(options.LocalEndPoint, options.RtcpMux);
        LocalEndPoint = (IPEndPoint)_rtpSocket.LocalEndPoint!;
        LocalRtcpEndPoint = _rtcpSocket is null ? LocalEndPoint : (IPEndPoint)_rtcpSocket.LocalEndPoint!;
        LocalSsrc = options.LocalSsrc ?? (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        _sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1); // RFC 3550 §5.1: random initial value
        if (options.RemoteEndPoint is { } remote)
        {
            _remoteRtpEndPoint = Normalise(remote);
            _remoteRtp = _remoteRtpEndPoint.Serialize();
            var rtcp = options.RemoteRtcpEndPoint ?? (options.RtcpMux ? remote : new IPEndPoint(remote.Address, remote.Port + 1));
            _remoteRtcp = Normalise(rtcp).Serialize();
        }

        ReceiveStats = new RtpReceiveStats(options.ClockRate, _time.TimestampFrequency);
        _lastReceived = _time.GetTimestamp();
    }

    /// <summary>Local RTP address actually bound.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Local RTCP address (same as <see cref="LocalEndPoint"/> with rtcp-mux).</summary>
    public IPEndPoint LocalRtcpEndPoint { get; }

    /// <summary>Our SSRC.</summary>
    public uint LocalSsrc { get; }

    /// <summary>The remote RTP address packets are sent to (after latching, the peer's real source).</summary>
    public IPEndPoint? RemoteEndPoint
    {
        get
        {
            lock (_stateGate)
            {
                return _remoteRtpEndPoint;
            }
        }
    }

    /// <summary>True once latching fixed the remote address.</summary>
    public bool IsLatched => Volatile.Read(ref _latched);

    /// <summary>The remote SSRC the session is locked to, if any.</summary>
    public uint? RemoteSsrc => _ssrcLocked ? _remoteSsrc : null;

    /// <summary>Reception statistics of the locked remote source (replaced on an SSRC re-lock).</summary>
    public RtpReceiveStats ReceiveStats { get; private set; }

    /// <summary>Raised once when nothing valid has been received for <see cref="RtpSessionOptions.InactivityTimeout"/> (again after traffic resumes and stops).</summary>
    public event EventHandler? InactivityTimeout;

    /// <summary>Raised when the peer sends an RTCP BYE (argument: the reason, possibly null).</summary>
    public event EventHandler<string?>? ByeReceived;

    /// <summary>A snapshot of the counters.</summary>
    public RtpSessionCounters Counters => new(
        Interlocked.Read(ref _packetsReceived), Interlocked.Read(ref _bytesReceived), Interlocked.Read(ref _packetsSent),
        Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _unexpectedSource), Interlocked.Read(ref _wrongSsrc),
        Interlocked.Read(ref _ssrcChanges), Interlocked.Read(ref _malformed), Interlocked.Read(ref _srtpAuthFailures),
        Interlocked.Read(ref _srtpReplays), Interlocked.Read(ref _rtcpReceived), Interlocked.Read(ref _rtcpSent),
        Interlocked.Read(ref _sendErrors));

    /// <summary>Starts the receive loops and the RTCP and inactivity timers.</summary>
    public void Start()
    {
        if (_rtpLoop is not null)
        {
            return;
        }

        if (_options.ReceiveMode == RtpReceiveMode.Polled)
        {
            _rtpLoop = Task.CompletedTask;
            StartPolled();
        }
        else
        {
            _rtpLoop = ReceiveLoopAsync(_rtpSocket, isRtcpSocket: false);
        }

        if (_rtcpSocket is not null)
        {
            _rtcpLoop = ReceiveLoopAsync(_rtcpSocket, isRtcpSocket: true);
        }

        StartHousekeeping();
    }

    /// <summary>
    /// Sends one RTP packet with the next sequence number: header built here, payload copied, SRTP
    /// applied when configured. Returns false when there is no remote address yet or the send failed.
    /// </summary>
    public bool Send(byte payloadType, uint timestamp, ReadOnlySpan<byte> payload, bool marker = false)
    {
        if (payload.Length > MaxPacket - 100)
        {
            return false;
        }

        SocketAddress? remote;
        lock (_stateGate)
        {
            remote = _remoteRtp;
        }

        if (remote is null || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        lock (_sendGate)
        {
            var header = new RtpHeader(payloadType, _sequence, timestamp, LocalSsrc, marker);
            if (!header.TryWrite(_sendBuffer, payload, out var length))
            {
                return false;
            }

            if (_options.SrtpOutbound is { } srtp)
            {
                if (srtp.ProtectRtp(_sendBuffer, length, out length) != SrtpResult.Ok)
                {
                    Interlocked.Increment(ref _sendErrors);
                    return false;
                }
            }

            _sequence++;
            var outcome = TrySend(_rtpSocket, _sendBuffer.AsSpan(0, length), remote, deferredPayloadBytes: payload.Length);
            if (outcome == SendOutcome.Failed)
            {
                return false;
            }
            if (outcome == SendOutcome.Sent)
            {
                CountSent(payload.Length);
            }

            _lastSentTimestamp = timestamp;
            _lastSentAt = _time.GetTimestamp();
            _sentSinceReport = true;
            return true;
        }
    }

    /// <summary>The sequence number the next <see cref="Send"/> will use.</summary>
    public ushort NextSequenceNumber
    {
        get
        {
            lock (_sendGate)
            {
                return _sequence;
            }
        }
    }

    private enum SendOutcome
    {
        Failed,
        Sent,

        /// <summary>On the mixer thread's ring: counted (or failed) when the ring reports, in <see cref="OnQueuedSendCompleted"/>.</summary>
        Queued,
    }

    /// <summary>
    /// Sends at once, or, for an RTP packet (<paramref name="deferredPayloadBytes"/> ≥ 0) inside a mixer thread's
    /// <see cref="SocketRing.DeferSends"/> scope, queues it to leave with the rest of the stage's sends.
    /// </summary>
    private SendOutcome TrySend(Socket socket, ReadOnlySpan<byte> datagram, SocketAddress remote, int deferredPayloadBytes = -1)
    {
        try
        {
            if (deferredPayloadBytes >= 0 && SocketRing.Deferring is { } ring
                && ring.TryQueueSend(socket.SafeHandle, datagram, remote, this, deferredPayloadBytes))
            {
                return SendOutcome.Queued;
            }
            socket.SendTo(datagram, SocketFlags.None, remote);
            return SendOutcome.Sent;
        }
        catch (SocketException ex)
        {
            // ICMP unreachable surfacing on a later send, or a route failure: count, never throw to the mixer.
            Interlocked.Increment(ref _sendErrors);
            LogSendFailed(ex.SocketErrorCode);
            return SendOutcome.Failed;
        }
        catch (ObjectDisposedException)
        {
            return SendOutcome.Failed;
        }
    }

    private void CountSent(int payloadBytes)
    {
        Interlocked.Increment(ref _packetsSent);
        _options.Metrics?.Sent();
        Interlocked.Add(ref _bytesSent, payloadBytes);
        Interlocked.Add(ref _octetsSentForSr, payloadBytes);
    }

    /// <summary>The ring's result for a queued send: bytes sent, or a negative errno (as a direct send's exception would have said).</summary>
    internal void OnQueuedSendCompleted(int result, int payloadBytes)
    {
        if (result >= 0)
        {
            CountSent(payloadBytes);
            return;
        }
        Interlocked.Increment(ref _sendErrors);
        LogSendErrno(-result);
    }

    private static (Socket Rtp, Socket? Rtcp) Bind(IPEndPoint local, bool mux)
    {
        if (mux || local.Port != 0)
        {
            var rtp = Open(local);
            try
            {
                return (rtp, mux ? null : Open(new IPEndPoint(local.Address, local.Port + 1)));
            }
            catch
            {
                rtp.Dispose();
                throw;
            }
        }

        // RFC 3550 §11: RTP on an even port, RTCP on the next odd one. Let the OS pick, retry until both fit.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var rtp = Open(local);
            var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
            if (port % 2 != 0 || port == ushort.MaxValue)
            {
                rtp.Dispose();
                continue;
            }

            try
            {
                return (rtp, Open(new IPEndPoint(local.Address, port + 1)));
            }
            catch (SocketException)
            {
                rtp.Dispose();
            }
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    private static Socket Open(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Maps an IPv4 remote to IPv4-mapped IPv6 when our socket is dual-mode IPv6.</summary>
    private IPEndPoint Normalise(IPEndPoint remote) =>
        _rtpSocket.AddressFamily == AddressFamily.InterNetworkV6 && remote.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(remote.Address.MapToIPv6(), remote.Port)
            : remote;

    /// <summary>Stops receiving, sends nothing more, and closes the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        StopHousekeeping();
        StopPolled();
        _rtpSocket.Dispose();
        _rtcpSocket?.Dispose();
        foreach (var loop in new[] { _rtpLoop, _rtcpLoop })
        {
            if (loop is not null)
            {
                try
                {
                    await loop;
                }
                catch (OperationCanceledException)
                {
                }
                catch (SocketException)
                {
                    // Closing a socket under a pending receive; nothing left to report.
                }
            }
        }

        _stop.Dispose();
    }
}
