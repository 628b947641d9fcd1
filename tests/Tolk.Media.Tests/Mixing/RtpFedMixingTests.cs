using System.Net;
using System.Net.Sockets;
using Tolk.Media.Mixing;
using Tolk.Media.Rtp;
using Tolk.Media.Rtp.Native;
using Tolk.Testing;
using Xunit;

namespace Tolk.Media.Tests.Mixing;

/// <summary>
/// The mixer with participants fed by real polled RTP sessions on loopback: a tick receives for all of them
/// and sends all of their mixes through the ticking thread's io_uring, one system call each, and allocates
/// nothing. The clock is ticked on the test thread (one worker), whose ring the test then reads.
/// </summary>
public sealed class RtpFedMixingTests
{
    private const int Callers = 3;
    private const int Ticks = 60;

    [Fact]
    public async Task A_tick_receives_for_every_caller_in_one_submit_and_sends_every_mix_in_another()
    {
        var peers = Enumerable.Range(0, Callers).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToArray();
        var callers = peers.Select(p => new RtpCaller((IPEndPoint)p.Client.LocalEndPoint!)).ToArray();
        try
        {
            var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = 1 });
            var room = clock.CreateRoom("r");
            for (var i = 0; i < Callers; i++)
            {
                room.AddParticipant($"c{i}", callers[i], callers[i]);
            }
            var ring = SocketRing.ForCurrentThread();
            var packet = new byte[172];
            packet[0] = 0x80;
            long allocated = 0;

            for (var t = 0; t < Ticks; t++)
            {
                for (var i = 0; i < Callers; i++)
                {
                    packet[3] = (byte)t; // sequence number
                    peers[i].Send(packet, callers[i].Session.LocalEndPoint);
                }
                Thread.Sleep(3);
                var submits = ring?.Submits ?? 0;
                var operations = ring?.Operations ?? 0;
                var before = GC.GetAllocatedBytesForCurrentThread();
                clock.TickNow();
                if (t >= Ticks / 2)
                {
                    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                }
                if (ring is not null && t > 0)
                {
                    // Receives: a chain of four per caller (the first takes the datagram). Sends: one per caller.
                    Assert.Equal(2, ring.Submits - submits);
                    Assert.Equal(Callers * 5, ring.Operations - operations);
                }
            }

            Assert.All(callers, c => Assert.Equal(Ticks, c.Received));
            Assert.All(callers, c => Assert.Equal(Ticks, c.Sent));
            Thread.Sleep(20);
            foreach (var peer in peers)
            {
                var heard = 0;
                while (peer.Available > 0)
                {
                    IPEndPoint? from = null;
                    peer.Receive(ref from);
                    heard++;
                }
                Assert.Equal(Ticks, heard);
            }
            Assert.Equal(0, allocated);
            Assert.Equal(0, room.CallbackErrors);
        }
        finally
        {
            foreach (var caller in callers)
            {
                await caller.Session.DisposeAsync();
            }
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }

    /// <summary>A participant whose audio is "a frame whenever a packet came" and whose mix goes out as one PCMU packet.</summary>
    private sealed class RtpCaller : IRtpFedSource, IAudioFrameSink
    {
        private readonly byte[] _payload = new byte[160];
        private uint _timestamp;

        public RtpCaller(IPEndPoint peer)
        {
            Session = new RtpSession(new RtpSessionOptions
            {
                LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                RemoteEndPoint = peer,
                ReceiveMode = RtpReceiveMode.Polled,
            }, (_, _) => Received++);
            Session.Start();
        }

        public RtpSession Session { get; }

        public int Received { get; private set; }

        public int Sent { get; private set; }

        public RtpSession? ReceiveSession => Session;

        public bool TryRead(Span<short> frame)
        {
            var before = Received;
            Session.Poll();
            if (Received == before)
            {
                return false;
            }
            frame.Fill(1000);
            return true;
        }

        public void Write(MixedFrame frame)
        {
            if (Session.Send(0, _timestamp, _payload))
            {
                Sent++;
            }
            _timestamp += 160;
        }
    }
}
