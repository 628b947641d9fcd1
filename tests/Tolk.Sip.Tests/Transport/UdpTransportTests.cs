using System.Net;
using System.Net.Sockets;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

public sealed class UdpTransportTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Request_and_response_round_trip_with_received_and_rport(string loopback)
    {
        var address = IPAddress.Parse(loopback);
        await using var manager = await StartAsync(o => o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, address, 0)));
        var server = manager.Bound(SipTransportKind.Udp, address.AddressFamily);
        Assert.NotEqual(0, server.Port);
        using var client = UdpClient(server);
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;

        // The Via claims a host the packet did not come from, and asks for rport.
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "udp-rt", viaHost: "192.0.2.10", viaPort: 5070)));
        var inbound = await manager.NextAsync();

        var request = Assert.IsType<SipRequest>(inbound.Message);
        Assert.Equal(SipTransportKind.Udp, inbound.Remote.Transport);
        Assert.Equal(clientPort, inbound.Remote.EndPoint.Port);
        Assert.Null(inbound.ConnectionId);
        var via = request.TopVia!;
        Assert.Equal(address.ToString(), via.Received);
        Assert.Equal(clientPort, via.RPort);

        var response = SipResponse.CreateFor(request, 200, toTag: "b1");
        var destination = SipTransportManager.ResolveResponseDestination(response, inbound)!;
        Assert.Equal(new IPEndPoint(address, clientPort), destination.Remote.EndPoint);
        await manager.SendAsync(response, destination.Remote, destination.ConnectionId);

        var received = Assert.IsType<SipResponse>(await ReceiveUdpAsync(client));
        Assert.Equal(200, received.StatusCode);
        Assert.Equal("udp-rt", received.CallId);
        Assert.Equal(clientPort, received.TopVia!.RPort);
    }

    [Fact]
    public async Task Received_is_not_added_when_sent_by_matches_the_source_and_no_rport()
    {
        await using var manager = await StartAsync(o => o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0)));
        using var client = UdpClient(manager.Bound(SipTransportKind.Udp));
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;

        await client.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "same-host", viaHost: "127.0.0.1", viaPort: clientPort, rport: false)));
        var inbound = await manager.NextAsync();

        var via = inbound.Message.TopVia!;
        Assert.Null(via.Received);
        Assert.False(via.HasRPort);
        // Without rport the response goes to the sent-by port (RFC 3261 §18.2.2).
        var destination = SipTransportManager.ResolveResponseDestination(via, inbound)!;
        Assert.Equal(clientPort, destination.Remote.EndPoint.Port);
    }

    [Fact]
    public async Task Malformed_request_is_answered_400_by_the_transport_and_not_handed_up()
    {
        await using var manager = await StartAsync(o => o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0)));
        using var client = UdpClient(manager.Bound(SipTransportKind.Udp));

        // Content-Length is not a number: the head is readable, the message is not.
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("INVITE", "bad-cl", contentLength: "abc")));

        var response = Assert.IsType<SipResponse>(await ReceiveUdpAsync(client));
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("bad-cl", response.CallId);
        Assert.NotNull(response.To!.Tag);
        // Counted after the send returns: the client can read the response first.
        await EventuallyAsync(() => manager.Statistics.ErrorResponsesSent == 1, "the 400 counted");
        Assert.False(manager.Inbound.TryRead(out _));
    }

    [Fact]
    public async Task Malformed_ACK_and_garbage_are_dropped_silently_and_counted()
    {
        await using var manager = await StartAsync(o => o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0)));
        using var client = UdpClient(manager.Bound(SipTransportKind.Udp));

        await client.SendAsync(Encoding.UTF8.GetBytes(Request("ACK", "bad-ack", contentLength: "abc")));
        await client.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0xff, 0x00 });
        await client.SendAsync(Encoding.UTF8.GetBytes("SIP/2.0 2000 Whatever\r\nCall-ID: x\r\n\r\n"));
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "after-garbage")));

        var inbound = await manager.NextAsync();
        Assert.Equal("after-garbage", inbound.Message.CallId);
        Assert.Null(await ReceiveUdpAsync(client, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(3, manager.Statistics.Dropped);
        Assert.Equal(0, manager.Statistics.ErrorResponsesSent);
    }

    [Fact]
    public async Task Full_inbound_queue_drops_datagrams_and_counts_them()
    {
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.InboundQueueCapacity = 2;
        });
        using var client = UdpClient(manager.Bound(SipTransportKind.Udp));
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "q" + i)));
        }
        await EventuallyAsync(() => manager.Statistics.MessagesReceived == 5, "5 datagrams seen");
        Assert.Equal(3, manager.Statistics.InboundQueueFull);
        Assert.Equal("q0", (await manager.NextAsync()).Message.CallId);
        Assert.Equal("q1", (await manager.NextAsync()).Message.CallId);
    }

    [Fact]
    public async Task Advertised_endpoint_replaces_wildcard_bind_address()
    {
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Any, 0));
            o.Listeners.Add(SipListenerOptions.Parse(SipTransportKind.Tcp, "127.0.0.1:0"));
            o.AdvertisedAddress = IPAddress.Parse("203.0.113.7");
            o.AdvertisedHostName = "sip.tolk.test";
        });
        var udp = manager.GetLocalEndPoint(SipTransportKind.Udp)!;
        Assert.Equal(IPAddress.Parse("203.0.113.7"), udp.EndPoint.Address);
        Assert.Equal(manager.Bound(SipTransportKind.Udp).Port, udp.EndPoint.Port);
        Assert.Equal("sip.tolk.test", udp.HostName);
        var tcp = manager.GetLocalEndPoint(SipTransportKind.Tcp)!;
        Assert.Equal(IPAddress.Loopback, tcp.EndPoint.Address);
        Assert.Null(manager.GetLocalEndPoint(SipTransportKind.Tls));
    }
}
