using System.Net;
using System.Net.Sockets;
using Tolk.Media.Rtp;
using Tolk.Media.Rtp.Native;
using Xunit;

namespace Tolk.Media.Tests.Rtp;

/// <summary>
/// The mixer threads' io_uring batches on real loopback sockets: deferred sends leave at the end of the scope,
/// queued receives are handed to the next poll in order, and nothing is lost or reordered at the seams with
/// the plain system calls. Each test uses its ring from one thread without awaiting in between, as the mixer does
/// (a ring belongs to the thread that made it).
/// </summary>
public sealed class SocketRingTests
{
    [Fact]
    public void The_ring_is_available_on_this_kernel_or_says_why_not()
    {
        var ring = OnThisThread();
        if (ring is null)
        {
            Assert.NotEqual("io_uring", RtpSocketBatching.Status);
            Assert.NotEqual("not tried", RtpSocketBatching.Status);
        }
        else
        {
            Assert.Equal("io_uring", RtpSocketBatching.Status);
        }
    }

    [Fact]
    public async Task Sends_in_a_deferred_scope_leave_together_when_it_ends()
    {
        var received = new List<ushort>();
        var (listener, talker) = StartedPair(received);
        await using var disposeListener = listener;
        await using var disposeTalker = talker;
        var ring = OnThisThread();

        using (SocketRing.DeferSends())
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.True(talker.Send(0, (uint)(i * 160), new byte[160]));
            }
            Thread.Sleep(30);
            if (ring is not null)
            {
                Assert.Equal(0, listener.Poll()); // still queued in the ring
                Assert.Equal(0, talker.Counters.PacketsSent); // counted when the kernel has taken them
            }
        }
        Thread.Sleep(30);

        Assert.Equal(5, listener.Poll());
        Assert.Equal(5, talker.Counters.PacketsSent);
        Assert.Equal(0, talker.Counters.SendErrors);
        var first = received[0];
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (ushort)(first + i)), received);
    }

    [Fact]
    public async Task More_sends_than_the_ring_holds_all_arrive_in_order()
    {
        var received = new List<ushort>();
        var (listener, talker) = StartedPair(received);
        await using var disposeListener = listener;
        await using var disposeTalker = talker;

        var ring = OnThisThread();
        using (SocketRing.DeferSends())
        {
            for (var i = 0; i < 300; i++)
            {
                talker.Send(0, (uint)(i * 160), new byte[160]); // a full ring submits on its own
                if (i % 50 == 49)
                {
                    // Drained as it goes: a socket's default receive buffer holds about 250 such datagrams.
                    Thread.Sleep(5);
                    while (listener.Poll() > 0)
                    {
                    }
                    // Without a ring each send leaves at once; with one, the first 256 leave when the 257th finds it full.
                    var expected = ring is null ? i + 1 : i < 256 ? 0 : 256;
                    Assert.Equal(expected, received.Count);
                }
            }
        }
        Thread.Sleep(30);
        while (listener.Poll() > 0)
        {
        }

        Assert.True(300 == received.Count, $"{received.Count} of 300 arrived");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (ushort)(received[0] + i)), received);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task A_queued_receive_hands_every_waiting_datagram_to_the_next_poll_in_order(int waiting)
    {
        var received = new List<ushort>();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var session = Polled(received, remote: (IPEndPoint)peer.Client.LocalEndPoint!);
        session.Start();
        for (ushort seq = 1; seq <= waiting; seq++)
        {
            peer.Send(Packet(seq), session.LocalEndPoint);
        }
        Thread.Sleep(30);
        var ring = OnThisThread();

        if (ring is not null)
        {
            Assert.True(session.QueueReceive(ring));
            ring.Submit();
            Assert.Empty(received); // taken from the socket, not yet handled
        }

        Assert.Equal(waiting, session.Poll());
        Assert.Equal(Enumerable.Range(1, waiting).Select(i => (ushort)i), received);
        Assert.Equal(0, session.Poll());
    }

    [Fact]
    public async Task A_batch_not_yet_polled_is_not_overwritten_by_the_next_one()
    {
        var received = new List<ushort>();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var session = Polled(received, remote: (IPEndPoint)peer.Client.LocalEndPoint!);
        session.Start();
        var ring = OnThisThread();
        if (ring is null)
        {
            return; // nothing is queued without a ring
        }

        peer.Send(Packet(1), session.LocalEndPoint);
        Thread.Sleep(30);
        Assert.True(session.QueueReceive(ring));
        Assert.False(session.QueueReceive(ring)); // once per batch, even on the thread holding its lock
        ring.Submit();
        peer.Send(Packet(2), session.LocalEndPoint);
        Thread.Sleep(30);
        Assert.False(session.QueueReceive(ring)); // the owner skipped a poll: the batch waits for it

        Assert.Equal(1, session.Poll()); // the batch found the queue empty after datagram 1
        Assert.Equal(1, session.Poll());
        Assert.Equal(new ushort[] { 1, 2 }, received);
    }

    [Fact]
    public async Task A_session_without_a_remote_latches_to_the_source_a_queued_receive_saw()
    {
        var received = new List<ushort>();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var session = Polled(received);
        session.Start();
        var ring = OnThisThread();

        peer.Send(Packet(7), session.LocalEndPoint);
        Thread.Sleep(30);
        if (ring is not null)
        {
            Assert.True(session.QueueReceive(ring));
            ring.Submit();
        }

        Assert.Equal(1, session.Poll());
        Assert.Equal(new ushort[] { 7 }, received);
        Assert.Equal(peer.Client.LocalEndPoint, session.RemoteEndPoint);
    }

    [Fact]
    public async Task A_disposed_session_queues_nothing_and_its_deferred_send_is_dropped_quietly()
    {
        await using var listener = Polled([]);
        var talker = Polled([], remote: listener.LocalEndPoint);
        talker.Start();
        await talker.DisposeAsync();
        var ring = OnThisThread();

        if (ring is not null)
        {
            Assert.False(talker.QueueReceive(ring));
        }
        using (SocketRing.DeferSends())
        {
            Assert.False(talker.Send(0, 0, new byte[160]));
        }
    }

    [Fact]
    public async Task A_failed_queued_send_is_counted_on_its_session()
    {
        await using var session = Polled([], remote: new IPEndPoint(IPAddress.Loopback, 9));
        session.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var ring = OnThisThread();
        if (ring is null)
        {
            return;
        }

        // An IPv4 socket cannot send to an IPv6 address: the kernel's answer comes back in the completion.
        var v6 = new IPEndPoint(IPAddress.IPv6Loopback, 9).Serialize();
        Assert.True(ring.TryQueueSend(socket.SafeHandle, new byte[12], v6, session, payloadBytes: 0));
        ring.Submit();
        Assert.Equal(1, session.Counters.SendErrors);
        Assert.Equal(0, session.Counters.PacketsSent);
    }

    [Fact]
    public async Task An_owner_that_throws_on_a_result_leaves_the_ring_in_step_for_the_next_batch()
    {
        // The session's log provider throws: reporting the failed send raises out of the ring's completion handling.
        await using var failing = new RtpSession(new RtpSessionOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 9),
            ReceiveMode = RtpReceiveMode.Polled,
        }, (_, _) => { }, logger: new ThrowingLogger());
        var received = new List<ushort>();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var session = Polled(received, remote: (IPEndPoint)peer.Client.LocalEndPoint!);
        session.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peer.Send(Packet(1), session.LocalEndPoint);
        peer.Send(Packet(2), session.LocalEndPoint);
        Thread.Sleep(30);
        var ring = OnThisThread();
        if (ring is null)
        {
            return;
        }

        // One batch: a send that fails (its owner throws while told) ahead of a receive chain.
        Assert.True(ring.TryQueueSend(socket.SafeHandle, new byte[12], new IPEndPoint(IPAddress.IPv6Loopback, 9).Serialize(), failing, 0));
        Assert.True(session.QueueReceive(ring));
        ring.Submit();
        Assert.Equal(2, session.Poll());

        // The next batch is its own: no completion of the last one is left over to be credited to it.
        peer.Send(Packet(3), session.LocalEndPoint);
        Thread.Sleep(30);
        Assert.True(session.QueueReceive(ring));
        ring.Submit();
        Assert.Equal(1, session.Poll());
        Assert.Equal(new ushort[] { 1, 2, 3 }, received);
        Assert.Equal(1, failing.Counters.SendErrors);
    }

    private sealed class ThrowingLogger : Microsoft.Extensions.Logging.ILogger<RtpSession>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("log provider failed");
    }

    /// <summary>This thread's ring: null only where io_uring is unavailable, which the first test asserts is explained.</summary>
    private static SocketRing? OnThisThread() => SocketRing.ForCurrentThread();

    private static RtpSession Polled(List<ushort> received, IPEndPoint? remote = null) => PolledSessions.Create(received, remote);

    private static byte[] Packet(ushort seq) => PolledSessions.Packet(seq);

    /// <summary>A started listener recording what it gets, and a started talker sending to it.</summary>
    private static (RtpSession Listener, RtpSession Talker) StartedPair(List<ushort> received)
    {
        var listener = Polled(received);
        var talker = Polled([], remote: listener.LocalEndPoint);
        listener.Start();
        talker.Start();
        return (listener, talker);
    }
}
