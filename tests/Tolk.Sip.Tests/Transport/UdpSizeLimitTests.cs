using System.Net;
using System.Net.Sockets;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

/// <summary>
/// RFC 3261 §18.1.1: a request over 1300 bytes bound for UDP goes over TCP (top Via changed), and over
/// UDP after all when the target refuses TCP; small requests stay on UDP.
/// </summary>
public sealed class UdpSizeLimitTests
{
    private static Task<SipTransportManager> StartUdpAndTcpAsync() =>
        StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Tcp, IPAddress.Loopback, 0));
        });

    /// <summary>A peer with a UDP socket and (optionally) a TCP listener on the same port.</summary>
    private static (Socket Udp, TcpListener? Tcp, IPEndPoint EndPoint) Peer(bool tcp)
    {
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)udp.LocalEndPoint!;
        TcpListener? listener = null;
        if (tcp)
        {
            listener = new TcpListener(endPoint);
            listener.Start();
        }
        return (udp, listener, endPoint);
    }

    private static SipRequest Large(string callId, int bodyBytes = 1400) =>
        (SipRequest)Parse(System.Text.Encoding.UTF8.GetBytes(Request("MESSAGE", callId, viaHost: "127.0.0.1", viaPort: 5060, body: new string('x', bodyBytes))));

    [Fact]
    public async Task A_request_over_1300_bytes_moves_to_TCP_with_a_TCP_Via()
    {
        await using var manager = await StartUdpAndTcpAsync();
        var (udp, tcp, peer) = Peer(tcp: true);
        using (udp)
        {
            var request = Large("big");
            Assert.True(request.ToBytes().Length > SipTransportManager.UdpRequestSizeLimit);

            await manager.SendAsync(request, new SipEndPoint(SipTransportKind.Udp, peer));

            using var accepted = await tcp!.AcceptTcpClientAsync(TimeoutToken());
            var got = await new StreamMessageReader(accepted.GetStream()).ReadMessageAsync();
            Assert.Equal("big", got.CallId);
            Assert.Equal("TCP", got.TopVia!.Transport);
            Assert.Equal(manager.Bound(SipTransportKind.Tcp).Port, got.TopVia.Port);
            Assert.Equal("z9hG4bK-big-1", got.TopVia.Branch);
            Assert.Equal(1400, got.Body.Length);
            Assert.Null(await ReceiveUdpAsync(udp, TimeSpan.FromMilliseconds(200)));
            Assert.Equal(1, manager.Statistics.UdpRequestsMovedToTcp);

            // The UDP transaction's retransmission of the moved request is not sent again over UDP.
            await manager.SendAsync(request, new SipEndPoint(SipTransportKind.Udp, peer));
            Assert.Null(await ReceiveUdpAsync(udp, TimeSpan.FromMilliseconds(200)));
            tcp.Stop();
        }
    }

    [Fact]
    public async Task A_small_request_stays_on_UDP()
    {
        await using var manager = await StartUdpAndTcpAsync();
        var (udp, tcp, peer) = Peer(tcp: true);
        using (udp)
        {
            await manager.SendAsync(Large("small", bodyBytes: 100), new SipEndPoint(SipTransportKind.Udp, peer));

            var got = await ReceiveUdpAsync(udp);
            Assert.Equal("UDP", got!.TopVia!.Transport);
            Assert.False(tcp!.Pending());
            Assert.Equal(0, manager.Statistics.UdpRequestsMovedToTcp);
            tcp.Stop();
        }
    }

    [Fact]
    public async Task A_target_without_TCP_gets_the_large_request_over_UDP_with_its_UDP_Via()
    {
        await using var manager = await StartUdpAndTcpAsync();
        var (udp, _, peer) = Peer(tcp: false);
        using (udp)
        {
            await manager.SendAsync(Large("refused"), new SipEndPoint(SipTransportKind.Udp, peer));

            var got = await ReceiveUdpAsync(udp);
            Assert.NotNull(got);
            Assert.Equal("refused", got.CallId);
            Assert.Equal("UDP", got.TopVia!.Transport);
            Assert.Equal(5060, got.TopVia.Port);
            Assert.Equal(0, manager.Statistics.UdpRequestsMovedToTcp);
        }
    }
}
