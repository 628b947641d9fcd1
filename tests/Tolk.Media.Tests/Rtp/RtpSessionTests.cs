using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Tolk.Media.Rtcp;
using Tolk.Media.Rtp;
using Tolk.Media.Srtp;
using Tolk.Testing;

namespace Tolk.Media.Tests.Rtp;

/// <summary>Real UDP on loopback; protocol timers on a manual clock. Receiving with the async loop.</summary>
public class RtpSessionTests : IDisposable
{
    private readonly CancellationTokenSource _pollers = new();

    /// <summary>How sessions made by <see cref="Create"/> receive.</summary>
    protected virtual RtpReceiveMode Mode => RtpReceiveMode.Async;

    public void Dispose()
    {
        _pollers.Cancel();
        _pollers.Dispose();
        GC.SuppressFinalize(this);
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    // How long to watch for something that must not happen.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private sealed record Received(ushort Sequence, uint Timestamp, uint Ssrc, byte PayloadType, byte[] Payload);

    private sealed class Sink
    {
        public Channel<Received> Packets { get; } = Channel.CreateUnbounded<Received>();

        public void Handle(RtpSession session, RtpPacket packet) =>
            Packets.Writer.TryWrite(new Received(packet.SequenceNumber, packet.Timestamp, packet.Ssrc, packet.PayloadType, packet.Payload.ToArray()));

        public async Task<Received> NextAsync() => await Packets.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        public async Task ExpectNothingAsync()
        {
            await Task.Delay(200);
            Assert.False(Packets.Reader.TryRead(out _));
        }
    }

    private RtpSession Create(Sink sink, IPEndPoint? remote = null, bool latching = true, bool mux = false,
        TimeProvider? time = null, SrtpContext? inbound = null, SrtpContext? outbound = null, IPAddress? local = null)
    {
        var session = new RtpSession(new RtpSessionOptions
        {
            LocalEndPoint = new IPEndPoint(local ?? IPAddress.Loopback, 0),
            RemoteEndPoint = remote,
            Latching = latching,
            RtcpMux = mux,
            SrtpInbound = inbound,
            SrtpOutbound = outbound,
            SsrcRelockPackets = 5,
            InactivityTimeout = TimeSpan.FromSeconds(10),
            ReceiveMode = Mode,
        }, sink.Handle, time);
        if (Mode == RtpReceiveMode.Polled)
        {
            // Stands in for the mixer: drains every 5 ms, as its tick would every 20 ms.
            var token = _pollers.Token;
            _ = Task.Run(async () =>
            {
                while (!token.IsCancellationRequested)
                {
                    session.Poll();
                    await Task.Delay(5, CancellationToken.None);
                }
            }, CancellationToken.None);
        }
        return session;
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }

    /// <summary>Moves the manual clock in 100 ms steps, letting real socket delivery keep up with virtual time.</summary>
    private static async Task StepAsync(ManualTimeProvider time, TimeSpan total)
    {
        for (var t = TimeSpan.Zero; t < total; t += TimeSpan.FromMilliseconds(100))
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
    }

    private static byte[] RawRtp(ushort seq, uint ssrc, byte fill = 1)
    {
        var buffer = new byte[200];
        new RtpHeader(0, seq, seq * 160u, ssrc).TryWrite(buffer, Enumerable.Repeat(fill, 160).ToArray(), out var n);
        return buffer[..n];
    }

    [Fact]
    public async Task Two_sessions_exchange_packets_and_count_them()
    {
        var sinkA = new Sink();
        var sinkB = new Sink();
        await using var a = Create(sinkA);
        await using var b = Create(sinkB, remote: a.LocalEndPoint);
        Assert.Equal(0, a.LocalEndPoint.Port % 2);
        Assert.Equal(a.LocalEndPoint.Port + 1, a.LocalRtcpEndPoint.Port);
        a.Start();
        b.Start();
        Assert.False(a.Send(0, 0, new byte[160])); // no remote yet

        for (ushort i = 0; i < 10; i++)
        {
            Assert.True(b.Send(8, i * 160u, Enumerable.Repeat((byte)i, 160).ToArray(), marker: i == 0));
        }

        for (var i = 0; i < 10; i++)
        {
            var p = await sinkA.NextAsync();
            Assert.Equal(8, p.PayloadType);
            Assert.Equal(b.LocalSsrc, p.Ssrc);
            Assert.All(p.Payload, x => Assert.Equal((byte)i, x));
        }

        // A latched onto B's source and can answer without knowing B from SDP.
        Assert.True(a.IsLatched);
        Assert.Equal(b.LocalEndPoint, a.RemoteEndPoint);
        Assert.True(a.Send(0, 0, new byte[160]));
        Assert.Equal(0, (await sinkB.NextAsync()).PayloadType);
        Assert.Equal(10, a.Counters.PacketsReceived);
        Assert.Equal(1600, a.Counters.BytesReceived);
        Assert.Equal(10, b.Counters.PacketsSent);
        Assert.Equal(b.LocalSsrc, a.RemoteSsrc);
        await EventuallyAsync(() => a.ReceiveStats.PacketsReceived == 9); // first packet is probation (RFC 3550 A.1)
    }

    [Fact]
    public async Task Ipv6_loopback_works()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        var sink = new Sink();
        await using var a = Create(sink, local: IPAddress.IPv6Loopback);
        await using var b = Create(new Sink(), remote: a.LocalEndPoint, local: IPAddress.IPv6Loopback);
        a.Start();
        b.Start();
        Assert.True(b.Send(0, 0, new byte[160]));
        Assert.Equal(160, (await sink.NextAsync()).Payload.Length);
    }

    [Fact]
    public async Task Latching_replaces_the_sdp_address_with_the_real_source()
    {
        var sinkA = new Sink();
        var sinkB = new Sink();
        // A's SDP says the peer is at a port nobody uses (a NATed phone advertising its private address).
        await using var a = Create(sinkA, remote: new IPEndPoint(IPAddress.Loopback, 9));
        await using var b = Create(sinkB, remote: a.LocalEndPoint);
        a.Start();
        b.Start();
        b.Send(0, 0, new byte[160]);
        await sinkA.NextAsync();
        Assert.Equal(b.LocalEndPoint, a.RemoteEndPoint);
        a.Send(0, 0, new byte[160]);
        await sinkB.NextAsync();

        // After latching, a third party is ignored and counted.
        using var intruder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await intruder.SendAsync(RawRtp(1, b.LocalSsrc), a.LocalEndPoint);
        await sinkA.ExpectNothingAsync();
        await EventuallyAsync(() => a.Counters.UnexpectedSource == 1);
    }

    [Fact]
    public async Task Without_latching_only_the_sdp_source_is_accepted()
    {
        var sinkA = new Sink();
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var a = Create(sinkA, remote: (IPEndPoint)peer.Client.LocalEndPoint!, latching: false);
        a.Start();
        await stranger.SendAsync(RawRtp(1, 42), a.LocalEndPoint);
        await sinkA.ExpectNothingAsync();
        await EventuallyAsync(() => a.Counters.UnexpectedSource == 1);
        await peer.SendAsync(RawRtp(2, 42), a.LocalEndPoint);
        Assert.Equal(42u, (await sinkA.NextAsync()).Ssrc);
        Assert.False(a.IsLatched);
    }

    [Fact]
    public async Task Ssrc_lock_drops_strays_and_relocks_on_a_sustained_new_source()
    {
        var sink = new Sink();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var a = Create(sink, remote: (IPEndPoint)peer.Client.LocalEndPoint!);
        a.Start();
        await peer.SendAsync(RawRtp(1, 0xAAAA), a.LocalEndPoint);
        Assert.Equal(0xAAAAu, (await sink.NextAsync()).Ssrc);
        for (ushort i = 0; i < 3; i++)
        {
            await peer.SendAsync(RawRtp((ushort)(100 + i), 0xBBBB), a.LocalEndPoint); // strays
        }

        await peer.SendAsync(RawRtp(2, 0xAAAA), a.LocalEndPoint);
        Assert.Equal(0xAAAAu, (await sink.NextAsync()).Ssrc);
        Assert.Equal(3, a.Counters.WrongSsrc);

        for (ushort i = 0; i < 6; i++)
        {
            await peer.SendAsync(RawRtp((ushort)(200 + i), 0xCCCC), a.LocalEndPoint);
        }

        // The 5th consecutive packet re-locks; it and the 6th are delivered.
        Assert.Equal(0xCCCCu, (await sink.NextAsync()).Ssrc);
        Assert.Equal(0xCCCCu, (await sink.NextAsync()).Ssrc);
        Assert.Equal(0xCCCCu, a.RemoteSsrc);
        Assert.Equal(1, a.Counters.SsrcChanges);
        Assert.Equal(3 + 4, a.Counters.WrongSsrc);
    }

    [Fact]
    public async Task Garbage_is_counted_not_delivered()
    {
        var sink = new Sink();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var a = Create(sink, remote: (IPEndPoint)peer.Client.LocalEndPoint!);
        a.Start();
        await peer.SendAsync(new byte[] { 1, 2, 3 }, a.LocalEndPoint);
        await peer.SendAsync(new byte[40], a.LocalEndPoint); // version 0
        await peer.SendAsync(RawRtp(7, 1), a.LocalEndPoint);
        Assert.Equal((ushort)7, (await sink.NextAsync()).Sequence);
        Assert.Equal(2, a.Counters.Malformed);
        Assert.False(a.IsLatched && a.RemoteEndPoint is null);
    }

    [Fact]
    public async Task Srtp_sessions_interoperate_and_tampering_is_counted()
    {
        var key = SrtpProfiles.GenerateKey(SrtpProfile.AesCm128HmacSha1_80);
        using var txB = SrtpContext.CreateOutbound(SrtpProfile.AesCm128HmacSha1_80, key);
        using var rxA = SrtpContext.CreateInbound(SrtpProfile.AesCm128HmacSha1_80, key);
        var sinkA = new Sink();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var a = Create(sinkA, remote: (IPEndPoint)peer.Client.LocalEndPoint!, inbound: rxA);
        a.Start();

        var buffer = new byte[300];
        var plain = RawRtp(1, 0x1234, fill: 0x42);
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, txB.ProtectRtp(buffer, plain.Length, out var n));
        var good = buffer[..n];
        var tampered = (byte[])good.Clone();
        tampered[30] ^= 1;
        await peer.SendAsync(tampered, a.LocalEndPoint);
        await peer.SendAsync(plain, a.LocalEndPoint); // unencrypted: fails authentication too
        await peer.SendAsync(good, a.LocalEndPoint);
        var received = await sinkA.NextAsync();
        Assert.All(received.Payload, x => Assert.Equal(0x42, x));
        await peer.SendAsync(good, a.LocalEndPoint); // replay
        await EventuallyAsync(() => a.Counters.SrtpReplays == 1);
        Assert.Equal(2, a.Counters.SrtpAuthFailures);
        Assert.Equal(1, a.Counters.PacketsReceived);
    }

    [Fact]
    public async Task Srtp_end_to_end_between_two_sessions_with_rtcp_mux()
    {
        var keyAB = SrtpProfiles.GenerateKey(SrtpProfile.AeadAes128Gcm);
        using var outA = SrtpContext.CreateOutbound(SrtpProfile.AeadAes128Gcm, keyAB);
        using var inB = SrtpContext.CreateInbound(SrtpProfile.AeadAes128Gcm, keyAB);
        var time = new ManualTimeProvider();
        var sinkB = new Sink();
        await using var b = Create(sinkB, mux: true, time: time, inbound: inB);
        await using var a = Create(new Sink(), remote: b.LocalEndPoint, mux: true, time: time, outbound: outA);
        Assert.Equal(b.LocalEndPoint, b.LocalRtcpEndPoint);
        a.Start();
        b.Start();
        Assert.True(a.Send(111, 960, new byte[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await sinkB.NextAsync()).Payload);

        // A sender report goes out on the RTP port (mux) within 1.5 intervals and is decrypted by B.
        time.Advance(TimeSpan.FromSeconds(8));
        await EventuallyAsync(() => b.Counters.RtcpReceived >= 1);
        Assert.NotEqual(0u, b.ReceiveStats.LastSenderReportNtp);
        Assert.Equal(0, b.Counters.Malformed);
    }

    [Fact]
    public async Task Rtcp_reports_and_bye_flow_on_port_plus_one()
    {
        var time = new ManualTimeProvider();
        var sinkA = new Sink();
        await using var a = Create(sinkA, time: time);
        await using var b = Create(new Sink(), remote: a.LocalEndPoint, time: time);
        a.Start();
        b.Start();
        for (ushort i = 0; i < 20; i++)
        {
            b.Send(0, i * 160u, new byte[160]);
        }

        for (var i = 0; i < 20; i++)
        {
            await sinkA.NextAsync();
        }

        // A has no remote RTCP yet except through latching (port + 1 of B's RTP source).
        var bye = new TaskCompletionSource<string?>();
        a.ByeReceived += (_, reason) => bye.TrySetResult(reason);
        await StepAsync(time, TimeSpan.FromSeconds(8));
        await EventuallyAsync(() => a.Counters.RtcpReceived >= 1 && b.Counters.RtcpReceived >= 1);
        Assert.True(b.Counters.RtcpSent >= 1);

        // B sent media, so its reports are SRs; A's next RR echoes one, giving B a round-trip time.
        // Step the manual clock slowly so real socket delivery keeps up with virtual time.
        for (var i = 0; i < 120 && b.RoundTripTime is null; i++)
        {
            await StepAsync(time, TimeSpan.FromMilliseconds(100));
        }

        await EventuallyAsync(() => b.RoundTripTime is not null);
        Assert.Equal(0, b.RemoteReport!.Value.CumulativeLost);
        Assert.Equal(b.NextSequenceNumber - 1, (ushort)b.RemoteReport.Value.ExtendedHighestSequence);
        // The value itself reflects how far real delivery lagged the manual clock; the formula is
        // checked against RFC 3550's worked example in RtcpTests.
        Assert.NotNull(b.RoundTripTime);
        Assert.True(b.SendBye("bye now"));
        Assert.Equal("bye now", await bye.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task Started_sessions_share_one_housekeeping_timer_and_each_still_reports()
    {
        var time = new ManualTimeProvider();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var sessions = new List<RtpSession>();
        for (int i = 0; i < 12; i++)
        {
            var s = Create(new Sink(), remote: (IPEndPoint)peer.Client.LocalEndPoint!, mux: true, time: time);
            s.Start();
            sessions.Add(s);
        }
        Assert.Equal(1, time.PendingTimers); // not two per session

        time.Advance(TimeSpan.FromSeconds(8)); // every report is due within 1.5 intervals
        var reporters = new HashSet<int>();
        while (reporters.Count < sessions.Count)
        {
            var datagram = await peer.ReceiveAsync().WaitAsync(Wait);
            reporters.Add(datagram.RemoteEndPoint.Port);
        }

        foreach (var s in sessions)
        {
            await s.DisposeAsync();
        }
        Assert.Equal(0, time.PendingTimers); // a clock without started sessions has nothing to wake for
    }

    [Fact]
    public async Task Inactivity_timeout_fires_on_the_injected_clock()
    {
        var time = new ManualTimeProvider();
        var sink = new Sink();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var a = Create(sink, remote: (IPEndPoint)peer.Client.LocalEndPoint!, time: time);
        using var fired = new SemaphoreSlim(0);
        a.InactivityTimeout += (_, _) => fired.Release();
        a.Start();
        time.Advance(TimeSpan.FromSeconds(5));
        await peer.SendAsync(RawRtp(1, 5), a.LocalEndPoint);
        await sink.NextAsync();
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(await fired.WaitAsync(Settle));
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(await fired.WaitAsync(Wait));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(await fired.WaitAsync(Settle)); // raised once per silence
    }

    [Fact]
    public async Task A_slow_inactivity_handler_does_not_hold_up_other_sessions_reports()
    {
        var time = new ManualTimeProvider();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var remote = (IPEndPoint)peer.Client.LocalEndPoint!;
        await using var silent = Create(new Sink(), remote: remote, mux: true, time: time);
        await using var other = Create(new Sink(), remote: remote, mux: true, time: time);
        using var release = new ManualResetEventSlim();
        using var entered = new SemaphoreSlim(0);
        silent.InactivityTimeout += (_, _) =>
        {
            entered.Release();
            release.Wait(); // a teardown stuck on I/O
        };
        silent.Start();
        other.Start();

        try
        {
            // The clock's pass runs inside Advance: a handler called inline would block it here.
            await Task.Run(() => time.Advance(TimeSpan.FromSeconds(31))).WaitAsync(Wait);
            Assert.True(await entered.WaitAsync(Wait));
            var otherPort = ((IPEndPoint)other.LocalEndPoint).Port;
            while ((await peer.ReceiveAsync().WaitAsync(Wait)).RemoteEndPoint.Port != otherPort)
            {
            }
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_reception()
    {
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var calls = 0;
        await using var a = new RtpSession(new RtpSessionOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RemoteEndPoint = (IPEndPoint)peer.Client.LocalEndPoint!,
        }, (_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("consumer bug");
            }
        });
        a.Start();
        await peer.SendAsync(RawRtp(1, 3), a.LocalEndPoint);
        await peer.SendAsync(RawRtp(2, 3), a.LocalEndPoint);
        await EventuallyAsync(() => Volatile.Read(ref calls) == 2);
    }
}

/// <summary>The same behaviour with the socket drained by the owner (the mixer) instead of an async loop.</summary>
public sealed class PolledRtpSessionTests : RtpSessionTests
{
    protected override RtpReceiveMode Mode => RtpReceiveMode.Polled;

    [Fact]
    public async Task An_unpolled_session_reports_arrivals_and_a_poll_then_delivers_them()
    {
        var received = new List<ushort>();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var session = PolledSession(peer, received);
        var available = new SemaphoreSlim(0);
        session.DataAvailable += (_, _) => available.Release();
        session.Start();
        Assert.Equal(0, session.Poll()); // nothing yet, and the watch owns the socket

        // A dormant owner is woken by the first packet; the packet itself waits for the poll.
        await peer.SendAsync(Packet(1), session.LocalEndPoint);
        Assert.True(await available.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(received);
        await peer.SendAsync(Packet(2), session.LocalEndPoint);
        await Task.Delay(50);
        Assert.Equal(2, session.Poll());
        Assert.Equal(new ushort[] { 1, 2 }, received);

        // Polled regularly, nothing is reported; after a few empty polls the watch is back.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, session.Poll());
        }
        await peer.SendAsync(Packet(3), session.LocalEndPoint);
        Assert.True(await available.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, session.Poll());
        Assert.Equal(new ushort[] { 1, 2, 3 }, received);
        Assert.Equal(3, session.Counters.PacketsReceived);
    }

    [Fact]
    public async Task A_poll_takes_a_backlog_larger_than_one_receive_batch_in_order_and_honours_its_limit()
    {
        var received = new List<ushort>();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var session = PolledSession(peer, received);
        session.Start();
        for (ushort seq = 1; seq <= 11; seq++)
        {
            await peer.SendAsync(Packet(seq), session.LocalEndPoint);
        }
        await Task.Delay(50);

        Assert.Equal(7, session.Poll(maxPackets: 7)); // a stalled owner catches up, but no further than asked
        Assert.Equal(4, session.Poll());
        Assert.Equal(0, session.Poll());
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (ushort)i), received);

        // Garbage and a datagram from elsewhere in the same backlog are counted and dropped, the rest delivered.
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await peer.SendAsync(new byte[] { 1, 2, 3 }, session.LocalEndPoint);
        await stranger.SendAsync(Packet(99), session.LocalEndPoint);
        await peer.SendAsync(Packet(12), session.LocalEndPoint);
        await Task.Delay(50);
        Assert.Equal(3, session.Poll());
        Assert.Equal(12, received[^1]);
        Assert.Equal(1, session.Counters.Malformed);
        Assert.Equal(1, session.Counters.UnexpectedSource);
    }

    /// <summary>A polled session on loopback expecting <paramref name="peer"/>, recording the sequence numbers it delivers.</summary>
    private static RtpSession PolledSession(UdpClient peer, List<ushort> received) =>
        PolledSessions.Create(received, (IPEndPoint)peer.Client.LocalEndPoint!);

    private static byte[] Packet(ushort seq) => PolledSessions.Packet(seq);
}
