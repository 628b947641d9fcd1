using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

/// <summary>The clock spreading a tick over worker threads changes nothing that listeners hear.</summary>
public class WorkerFanOutTests
{
    private sealed record Setup(MixerClock Clock, List<RecordingSink> Sinks, List<RecordingTap> Taps, List<bool> Speaking);

    private static Setup Build(int workers)
    {
        var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = workers, ParallelMinParticipants = 1, ParallelMinTickWork = TimeSpan.Zero });
        var sinks = new List<RecordingSink>();
        var taps = new List<RecordingTap>();
        var speaking = new List<bool>();
        // Two rooms of 23 and 17: chunks of uneven size, rooms sharing workers. Four talkers with
        // distinct tones and noise-free silence for the others.
        foreach (var (name, size) in new[] { ("a", 23), ("b", 17) })
        {
            var room = clock.CreateRoom(name, new MixerRoomOptions { JoinLeaveTones = true });
            room.SpeakingStarted += (_, _) => { lock (speaking) { speaking.Add(true); } };
            for (int i = 0; i < size; i++)
            {
                var source = i < 4 ? SignalSource.Tone(300 + (i * 170) + (size * 3), 6000 + (i * 1000)) : SignalSource.Constant(0);
                var sink = new RecordingSink();
                var p = room.AddParticipant($"{name}{i}", source, sink);
                var tap = new RecordingTap();
                p.AddTap(tap);
                if (i == 5)
                {
                    p.SetGainFrom(room.Participants[0], 0.25f); // a personal group besides the common mix
                }
                sinks.Add(sink);
                taps.Add(tap);
            }
        }
        return new Setup(clock, sinks, taps, speaking);
    }

    [Fact]
    public void Fanned_out_ticks_produce_the_same_mixes_as_the_single_thread()
    {
        var single = Build(workers: 1);
        var fanned = Build(workers: 3);
        for (int t = 0; t < 60; t++)
        {
            single.Clock.TickNow();
            fanned.Clock.TickNow();
        }
        fanned.Clock.Dispose();
        single.Clock.Dispose();

        Assert.Equal(single.Sinks.Count, fanned.Sinks.Count);
        for (int s = 0; s < single.Sinks.Count; s++)
        {
            Assert.Equal(60, fanned.Sinks[s].Frames.Count);
            for (int f = 0; f < 60; f++)
            {
                Assert.Equal(single.Sinks[s].Frames[f], fanned.Sinks[s].Frames[f]);
                Assert.Equal(single.Sinks[s].ListenerCounts[f], fanned.Sinks[s].ListenerCounts[f]);
            }
            Assert.Equal(single.Taps[s].Frames.Count, fanned.Taps[s].Frames.Count);
        }
        Assert.Equal(single.Speaking.Count, fanned.Speaking.Count);
        // Talkers were heard (the comparison is not between two silent runs).
        Assert.Contains(fanned.Sinks[10].Frames[30], x => Math.Abs((int)x) > 1000);
    }

    [Fact]
    public void A_slow_sink_does_not_hold_up_the_other_listeners_of_the_tick()
    {
        // The first chunk's sink blocks until another listener has been served on another thread:
        // this only finishes if a worker takes the rest of the deliveries in parallel.
        var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = 2, ParallelMinParticipants = 1, ParallelMinTickWork = TimeSpan.Zero });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var otherThreads = new ThreadSink[39];
        var slow = new BlockingSink(otherThreads);
        room.AddParticipant("slow", SignalSource.Tone(440, 5000), slow);
        for (int i = 0; i < otherThreads.Length; i++)
        {
            otherThreads[i] = new ThreadSink();
            room.AddParticipant($"p{i}", SignalSource.Constant(0), otherThreads[i]);
        }
        clock.TickNow();
        clock.Dispose();

        Assert.True(slow.SawParallelDelivery, "no listener was served by another thread while the first sink blocked");
        Assert.All(otherThreads, s => Assert.Equal(1, s.Writes));
    }

    [Fact]
    public void Every_listener_of_a_tick_is_served_before_the_tick_returns()
    {
        // Stages end on the count of finished items, never on a wake-up left over from the previous stage.
        var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = 2, ParallelMinParticipants = 1, ParallelMinTickWork = TimeSpan.Zero });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var sinks = new ThreadSink[40];
        for (int i = 0; i < sinks.Length; i++)
        {
            sinks[i] = new ThreadSink();
            room.AddParticipant($"p{i}", i < 3 ? SignalSource.Tone(300 + (100 * i), 4000) : SignalSource.Constant(0), sinks[i]);
        }
        for (int t = 1; t <= 5000; t++)
        {
            clock.TickNow();
            for (int i = 0; i < sinks.Length; i++)
            {
                if (Volatile.Read(ref sinks[i].Writes) != t)
                {
                    Assert.Fail($"tick {t}: listener {i} had {sinks[i].Writes} deliveries when the tick returned");
                }
            }
        }
        clock.Dispose();
    }

    [Fact]
    public void A_tick_is_shared_with_the_workers_only_while_its_work_is_worth_a_wake_up()
    {
        var time = new ManualTimeProvider();
        var clock = new MixerClock(time, new MixerClockOptions { Workers = 2, ParallelMinParticipants = 1, ParallelMinTickWork = TimeSpan.FromMilliseconds(5) });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var cost = new WorkCost();
        for (int i = 0; i < 40; i++)
        {
            room.AddParticipant($"p{i}", i < 2 ? SignalSource.Tone(300 + (100 * i), 4000) : SignalSource.Constant(0), new WorkingSink(time, cost));
        }
        long Shared() => clock.GetStatistics().SharedTicks;
        void Ticks(int n)
        {
            for (int t = 0; t < n; t++)
            {
                clock.TickNow();
            }
        }

        cost.PerWrite = TimeSpan.FromMilliseconds(0.05); // 2 ms a tick: one thread does it
        Ticks(40);
        Assert.Equal(0, Shared());

        cost.PerWrite = TimeSpan.FromMilliseconds(0.25); // 10 ms a tick: shared from the tick after the first heavy one
        Ticks(20);
        Assert.Equal(19, Shared());

        cost.PerWrite = TimeSpan.FromMilliseconds(0.01); // light again: back on one thread once the estimate has decayed
        Ticks(60);
        long afterDecay = Shared();
        // Somewhere within the 60 light ticks it goes back inline (a loaded machine stretches the shared ticks' measured
        // work, so how soon varies); the next 20 prove it did.
        Assert.InRange(afterDecay, 20, 19 + 59);
        Ticks(20);
        Assert.Equal(afterDecay, Shared());
        clock.Dispose();
    }

    private sealed class WorkCost
    {
        public TimeSpan PerWrite;
    }

    /// <summary>A listener whose delivery takes time on the manual clock, as an encode and send would on a real one.</summary>
    private sealed class WorkingSink(ManualTimeProvider time, WorkCost cost) : IAudioFrameSink
    {
        public void Write(MixedFrame frame) => time.Advance(cost.PerWrite);
    }

    private sealed class ThreadSink : IAudioFrameSink
    {
        public volatile int ThreadId;
        public int Writes;

        public void Write(MixedFrame frame)
        {
            ThreadId = Environment.CurrentManagedThreadId;
            Interlocked.Increment(ref Writes);
        }
    }

    private sealed class BlockingSink(ThreadSink[] others) : IAudioFrameSink
    {
        public bool SawParallelDelivery;

        public void Write(MixedFrame frame)
        {
            int me = Environment.CurrentManagedThreadId;
            SawParallelDelivery = SpinWait.SpinUntil(
                () => others.Any(o => o is not null && o.ThreadId != 0 && o.ThreadId != me),
                TimeSpan.FromSeconds(10));
        }
    }
}
