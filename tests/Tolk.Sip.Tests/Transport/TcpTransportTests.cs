using System.Net;
using System.Net.Sockets;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;
using Tolk.Testing;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

public sealed class TcpTransportTests
{
    private static Task<SipTransportManager> StartTcpAsync(Action<SipTransportOptions>? more = null, TimeProvider? time = null) =>
        StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Tcp, IPAddress.Loopback, 0));
            more?.Invoke(o);
        }, time);

    [Fact]
    public async Task Messages_split_across_writes_and_packed_into_one_write_are_all_framed()
    {
        await using var manager = await StartTcpAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        var stream = tcp.GetStream();

        // One message with a body, dribbled out in 7-byte writes.
        var first = Encoding.UTF8.GetBytes(Request("MESSAGE", "split", transport: "TCP", body: "hello over a stream"));
        for (var i = 0; i < first.Length; i += 7)
        {
            await stream.WriteAsync(first.AsMemory(i, Math.Min(7, first.Length - i)));
            await stream.FlushAsync();
            await Task.Delay(1);
        }
        // Three messages in a single write.
        var packed = Encoding.UTF8.GetBytes(
            Request("OPTIONS", "packed-1", transport: "TCP") +
            Request("MESSAGE", "packed-2", transport: "TCP", body: "second") +
            Request("OPTIONS", "packed-3", transport: "TCP"));
        await stream.WriteAsync(packed);

        var got = new List<SipInboundMessage>();
        for (var i = 0; i < 4; i++)
        {
            got.Add(await manager.NextAsync());
        }
        Assert.Equal(["split", "packed-1", "packed-2", "packed-3"], got.Select(m => m.Message.CallId));
        Assert.Equal("hello over a stream", Encoding.UTF8.GetString(got[0].Message.Body.Span));
        Assert.Equal("second", Encoding.UTF8.GetString(got[2].Message.Body.Span));
        Assert.All(got, m => Assert.Equal(got[0].ConnectionId, m.ConnectionId));
        Assert.NotNull(got[0].ConnectionId);
        Assert.Equal(SipTransportKind.Tcp, got[0].Remote.Transport);
    }

    [Fact]
    public async Task Response_goes_back_over_the_connection_the_request_came_in_on()
    {
        await using var manager = await StartTcpAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        var stream = tcp.GetStream();
        var reader = new StreamMessageReader(stream);

        await stream.WriteAsync(Encoding.UTF8.GetBytes(Request("INVITE", "conn-reuse", transport: "TCP", viaHost: "198.51.100.4")));
        var inbound = await manager.NextAsync();
        var request = (SipRequest)inbound.Message;
        Assert.Equal("127.0.0.1", request.TopVia!.Received);

        var response = SipResponse.CreateFor(request, 180, toTag: "t");
        var destination = SipTransportManager.ResolveResponseDestination(response, inbound)!;
        Assert.Equal(inbound.ConnectionId, destination.ConnectionId);
        await manager.SendAsync(response, destination.Remote, destination.ConnectionId);

        var back = Assert.IsType<SipResponse>(await reader.ReadMessageAsync());
        Assert.Equal(180, back.StatusCode);
        Assert.Equal(1, manager.ConnectionCount);
    }

    [Fact]
    public async Task CRLFCRLF_ping_is_answered_with_a_CRLF_pong()
    {
        await using var manager = await StartTcpAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        var stream = tcp.GetStream();
        var reader = new StreamMessageReader(stream);

        await stream.WriteAsync("\r\n\r\n"u8.ToArray());
        Assert.Equal("\r\n"u8.ToArray(), await reader.ReadBytesAsync(2));
        Assert.Equal(1, manager.Statistics.KeepAlivePings);

        // The connection still carries messages afterwards.
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "after-ping", transport: "TCP")));
        Assert.Equal("after-ping", (await manager.NextAsync()).Message.CallId);
    }

    [Fact]
    public async Task Oversized_message_gets_513_and_the_connection_is_closed()
    {
        await using var manager = await StartTcpAsync();
        var closed = new TaskCompletionSource<SipConnectionEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.ConnectionClosed += (_, e) => closed.TrySetResult(e);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        var stream = tcp.GetStream();
        var reader = new StreamMessageReader(stream);

        await stream.WriteAsync(Encoding.UTF8.GetBytes(Request("INVITE", "huge", transport: "TCP", contentLength: "1000000")));

        var response = Assert.IsType<SipResponse>(await reader.ReadMessageAsync());
        Assert.Equal(513, response.StatusCode);
        Assert.Equal("huge", response.CallId);
        Assert.True(await IsClosedByPeerAsync(stream));
        Assert.Equal("framing error", (await closed.Task.WaitAsync(TestTimeout)).CloseReason);
        Assert.Equal(1, manager.Statistics.FramingErrors);
        Assert.False(manager.Inbound.TryRead(out _));
    }

    [Fact]
    public async Task Idle_connection_is_reaped_after_the_idle_timeout()
    {
        var clock = new ManualTimeProvider();
        await using var manager = await StartTcpAsync(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(10);
            o.IdleScanInterval = TimeSpan.FromSeconds(30);
        }, clock);
        var opened = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource<SipConnectionEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.ConnectionOpened += (_, e) => opened.TrySetResult(e.ConnectionId);
        manager.ConnectionClosed += (_, e) => closed.TrySetResult(e);

        // A peer that connects, sends once and then goes silent (or vanished without a FIN).
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "idle", transport: "TCP")));
        var inbound = await manager.NextAsync();
        var id = await opened.Task.WaitAsync(TestTimeout);
        var flowToken = manager.GetConnectionClosedToken(id);
        Assert.False(flowToken.IsCancellationRequested);

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, manager.ConnectionCount);

        clock.Advance(TimeSpan.FromMinutes(2));
        var e = await closed.Task.WaitAsync(TestTimeout);
        Assert.Equal(inbound.ConnectionId, e.ConnectionId);
        Assert.Equal("idle", e.CloseReason);
        Assert.True(flowToken.IsCancellationRequested);
        Assert.True(await IsClosedByPeerAsync(tcp.GetStream()));
        Assert.Equal(0, manager.ConnectionCount);
        Assert.Equal(1, manager.Statistics.IdleClosed);
    }

    [Fact]
    public async Task Outbound_requests_reuse_one_connection_and_responses_come_back_over_it()
    {
        await using var server = await StartTcpAsync();
        await using var client = await StartTcpAsync();
        var opened = 0;
        server.ConnectionOpened += (_, _) => Interlocked.Increment(ref opened);
        var target = new SipEndPoint(SipTransportKind.Tcp, server.Bound(SipTransportKind.Tcp));

        var sends = Enumerable.Range(0, 5).Select(i => client.SendAsync(
            Parse(Encoding.UTF8.GetBytes(Request("OPTIONS", "out-" + i, transport: "TCP", viaHost: "127.0.0.1"))), target).AsTask());
        await Task.WhenAll(sends);

        var received = new List<SipInboundMessage>();
        for (var i = 0; i < 5; i++)
        {
            received.Add(await server.NextAsync());
        }
        Assert.Single(received.Select(r => r.ConnectionId).Distinct());
        Assert.Equal(1, client.ConnectionCount);
        Assert.Equal(1, Volatile.Read(ref opened));

        var answer = SipResponse.CreateFor((SipRequest)received[0].Message, 200, toTag: "x");
        var destination = SipTransportManager.ResolveResponseDestination(answer, received[0])!;
        await server.SendAsync(answer, destination.Remote, destination.ConnectionId);
        var back = await client.NextAsync();
        Assert.Equal(200, Assert.IsType<SipResponse>(back.Message).StatusCode);
        Assert.Equal(SipTransportKind.Tcp, back.Remote.Transport);
    }

    [Fact]
    public async Task Connections_beyond_the_per_address_limit_are_refused_and_others_keep_working()
    {
        await using var manager = await StartTcpAsync(o => o.MaxConnectionsPerAddress = 2);
        var server = manager.Bound(SipTransportKind.Tcp);
        using var a = new TcpClient();
        using var b = new TcpClient();
        using var c = new TcpClient();
        await a.ConnectAsync(server);
        await b.ConnectAsync(server);
        await EventuallyAsync(() => manager.ConnectionCount == 2, "two connections registered");
        await c.ConnectAsync(server);

        Assert.True(await IsClosedByPeerAsync(c.GetStream()));
        Assert.Equal(1, manager.Statistics.ConnectionsRejected);
        await a.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "still-ok", transport: "TCP")));
        Assert.Equal("still-ok", (await manager.NextAsync()).Message.CallId);
    }

    [Fact]
    public async Task Sending_to_a_closed_port_fails_with_a_transport_exception()
    {
        await using var manager = await StartTcpAsync();
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var unused = (IPEndPoint)probe.LocalEndPoint!;
        probe.Close();

        var request = Parse(Encoding.UTF8.GetBytes(Request("OPTIONS", "nowhere", transport: "TCP")));
        await Assert.ThrowsAsync<SipTransportException>(async () =>
            await manager.SendAsync(request, new SipEndPoint(SipTransportKind.Tcp, unused)));
    }

    [Fact]
    public async Task Request_without_Content_Length_on_a_stream_gets_400_and_close()
    {
        await using var manager = await StartTcpAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        var stream = tcp.GetStream();
        var noLength = Request("OPTIONS", "no-cl", transport: "TCP").Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(noLength));

        var response = Assert.IsType<SipResponse>(await new StreamMessageReader(stream).ReadMessageAsync());
        Assert.Equal(400, response.StatusCode);
        Assert.True(await IsClosedByPeerAsync(stream));
    }

    [Fact]
    public async Task Sends_to_a_peer_that_stops_reading_are_refused_beyond_the_pending_limit()
    {
        await using var manager = await StartTcpAsync(o => o.MaxPendingBytes = 64 * 1024);
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Request("SUBSCRIBE", "slow-reader", transport: "TCP")));
        var inbound = await manager.NextAsync();

        var notify = SipResponse.CreateFor((SipRequest)inbound.Message, 200, toTag: "n");
        notify.Body = new byte[8192];
        var refused = false;
        for (var i = 0; i < 10_000 && !refused; i++)
        {
            try
            {
                await manager.SendAsync(notify, inbound.Remote, inbound.ConnectionId);
            }
            catch (SipTransportException)
            {
                refused = true;
            }
        }
        Assert.True(refused, "the unsent backlog never hit the limit");
        Assert.True(manager.Statistics.SendRejected >= 1);
    }

    [Fact]
    public async Task Random_garbage_and_mutated_messages_never_stop_the_listeners()
    {
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Tcp, IPAddress.Loopback, 0));
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.RateLimit.Enabled = false;
        });
        var random = new Random(5060);
        var template = Encoding.UTF8.GetBytes(Request("INVITE", "fuzz", body: "v=0\r\n"));
        using var udp = UdpClient(manager.Bound(SipTransportKind.Udp));
        for (var i = 0; i < 300; i++)
        {
            var mutated = (byte[])template.Clone();
            for (var k = 0; k < 1 + random.Next(8); k++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }
            await udp.SendAsync(i % 3 == 0 ? RandomBytes(random, 1 + random.Next(2000)) : mutated);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
            await tcp.GetStream().WriteAsync(i % 2 == 0 ? RandomBytes(random, 1 + random.Next(4000)) : mutated);
        }
        // Drain whatever parsed, then prove both listeners still work.
        while (manager.Inbound.TryRead(out _))
        {
        }
        await udp.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "udp-alive")));
        using var last = new TcpClient();
        await last.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
        await last.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "tcp-alive", transport: "TCP")));
        var seen = new HashSet<string?>();
        while (!(seen.Contains("udp-alive") && seen.Contains("tcp-alive")))
        {
            seen.Add((await manager.NextAsync()).Message.CallId);
        }
        Assert.True(manager.Statistics.ParseErrors > 0);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
