using System.Net;
using Tolk.Media.Rtp;

namespace Tolk.Media.Tests.Rtp;

/// <summary>Polled RTP sessions on loopback and the packets the tests feed them.</summary>
internal static class PolledSessions
{
    /// <summary>A polled session expecting <paramref name="remote"/> (or latching), recording the sequence numbers it delivers.</summary>
    public static RtpSession Create(List<ushort> received, IPEndPoint? remote = null) => new(new RtpSessionOptions
    {
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        RemoteEndPoint = remote,
        ReceiveMode = RtpReceiveMode.Polled,
    }, (_, p) => received.Add(p.SequenceNumber));

    /// <summary>A PCMU packet with sequence number <paramref name="seq"/>.</summary>
    public static byte[] Packet(ushort seq)
    {
        var buffer = new byte[200];
        new RtpHeader(0, seq, seq * 160u, 0x5151).TryWrite(buffer, new byte[160], out var n);
        return buffer[..n];
    }
}
