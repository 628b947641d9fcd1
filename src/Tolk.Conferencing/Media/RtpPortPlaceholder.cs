using System.Net;
using System.Net.Sockets;

namespace Tolk.Conferencing.Media;

/// <summary>
/// Keeps an RTP/RTCP port pair bound while nothing uses it yet. A late offer (RFC 3264 §5) advertises its port in
/// the 2xx, but the session can only be built from the answer in the ACK a round trip later; without a placeholder,
/// another process's outgoing socket could take the advertised port in between and the call would have no media.
/// </summary>
internal sealed class RtpPortPlaceholder : IDisposable
{
    private readonly Socket _rtp;
    private readonly Socket _rtcp;

    private RtpPortPlaceholder(Socket rtp, Socket rtcp)
    {
        _rtp = rtp;
        _rtcp = rtcp;
    }

    /// <summary>Binds <paramref name="port"/> and the one above it, or returns null when either is taken.</summary>
    public static RtpPortPlaceholder? TryHold(IPAddress address, int port)
    {
        var rtp = TryBind(address, port);
        if (rtp is null)
        {
            return null;
        }

        var rtcp = TryBind(address, port + 1);
        if (rtcp is null)
        {
            rtp.Dispose();
            return null;
        }

        return new RtpPortPlaceholder(rtp, rtcp);
    }

    /// <summary>Frees the pair, right before the session binds it.</summary>
    public void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    private static Socket? TryBind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}
