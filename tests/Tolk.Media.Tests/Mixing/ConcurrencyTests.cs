using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_participants_join_and_leave_while_another_room_keeps_ticking()
    {
        var time = new ManualTimeProvider();
        using var clock = new MixerClock(time);
        var stormy = clock.CreateRoom("stormy", new MixerRoomOptions { IdleAfterTicks = 5 });
        var steady = clock.CreateRoom("steady", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var steadySource = new SignalSource(i => (short)(4000 * Math.Sin(2 * Math.PI * 500 * i / 16000.0))) { Record = false };
        var steadySink = new RecordingSink { Record = false };
        steady.AddParticipant("talker", steadySource, null);
        steady.AddParticipant("listener", null, steadySink);
        clock.Start();

        using var stop = new CancellationTokenSource();
        var errors = new List<Exception>();
        int joins = 0;
        var churn = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            try
            {
                var rng = new Random(worker);
                int round = 0;
                while (!stop.IsCancellationRequested || round < 2)
                {
                    var mine = new List<MixerParticipant>();
                    for (int k = 0; k < 50; k++)
                    {
                        short dc = (short)((worker * 50) + k + 1);
                        var p = stormy.AddParticipant($"w{worker}-{k}", SignalSource.Constant((short)(dc * 20)), new RecordingSink { Record = false });
                        Interlocked.Increment(ref joins);
                        p.IsMuted = rng.Next(4) == 0;
                        if (mine.Count > 0)
                        {
                            p.SetGainFrom(mine[rng.Next(mine.Count)], 0.3f);
                        }
                        var extra = stormy.AddSource(SignalSource.Constant(7), [p], 0.5f);
                        using var tap = p.AddTap(new RecordingTap());
                        extra.Remove();
                        mine.Add(p);
                    }
                    foreach (var p in mine)
                    {
                        Assert.True(p.Leave());
                    }
                    round++;
                }
            }
            catch (Exception ex)
            {
                lock (errors)
                {
                    errors.Add(ex);
                }
            }
        })).ToArray();

        int advanced = 0;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        while (advanced < 300 || !churn.All(t => t.IsCompleted))
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            advanced++;
            if (advanced == 300)
            {
                stop.Cancel();
            }
            if (advanced > 300)
            {
                // On a loaded machine the workers need the CPU to finish their last round.
                await Task.Delay(1);
            }
            Assert.True(wall.Elapsed < TimeSpan.FromSeconds(120), "churn did not finish");
        }
        await Task.WhenAll(churn);

        Assert.Empty(errors);
        Assert.True(joins >= 400, $"{joins} joins");
        Assert.Equal(advanced, clock.TickCount);
        Assert.Equal(advanced, steady.TicksProcessed);
        Assert.Equal(advanced, steadySink.Count);
        Assert.Equal(advanced, stormy.TicksProcessed + stormy.TicksIdle);
        Assert.Equal(0, stormy.CallbackErrors);
        Assert.Equal(0, steady.CallbackErrors);
        Assert.Empty(stormy.Participants);
    }

    [Fact]
    public async Task Settings_change_from_other_threads_while_ticking()
    {
        var time = new ManualTimeProvider();
        using var clock = new MixerClock(time);
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var a = new SignalSource(i => 3000) { Record = false };
        var b = new SignalSource(i => 5000) { Record = false };
        var pa = room.AddParticipant("a", a, new RecordingSink { Record = false });
        var pb = room.AddParticipant("b", b, new RecordingSink { Record = false });
        var sink = new ValueSink();
        var listener = room.AddParticipant("c", null, sink);
        clock.Start();

        using var stop = new CancellationTokenSource();
        var toggler = Task.Run(() =>
        {
            var rng = new Random(1);
            while (!stop.IsCancellationRequested)
            {
                pa.IsMuted = rng.Next(2) == 0;
                listener.SetGainFrom(pb, rng.Next(2) == 0 ? 0f : 1f);
            }
        });
        for (int t = 0; t < 500; t++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }
        stop.Cancel();
        await toggler;

        // Every frame is one of the four legal compositions, constant across the frame.
        Assert.Equal(500, sink.Values.Count);
        Assert.All(sink.Values, v => Assert.Contains(v, new short[] { 0, 3000, 5000, 8000 }));
    }

    [Fact]
    public async Task Real_clock_keeps_ticking_through_a_join_leave_storm()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        var stormy = clock.CreateRoom("stormy");
        var steady = clock.CreateRoom("steady", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        steady.AddParticipant("talker", new SignalSource(i => 1000) { Record = false }, null);
        var steadySink = new RecordingSink { Record = false };
        steady.AddParticipant("listener", null, steadySink);
        clock.Start();

        long ticksBefore = clock.TickCount;
        var storm = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (int round = 0; round < 5; round++)
            {
                var mine = Enumerable.Range(0, 100)
                    .Select(k => stormy.AddParticipant($"w{w}-{round}-{k}", new SignalSource(i => 2000) { Record = false }, new RecordingSink { Record = false }))
                    .ToList();
                mine.ForEach(p => p.Leave());
            }
        })).ToArray();
        await Task.WhenAll(storm);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (clock.TickCount < ticksBefore + 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await clock.StopAsync();

        Assert.True(clock.TickCount >= ticksBefore + 5, "the clock stalled");
        Assert.Equal(clock.TickCount, Volatile.Read(ref steadySink.Count));
        Assert.Empty(stormy.Participants);
        Assert.Equal(0, stormy.CallbackErrors);
    }

    private sealed class ValueSink : IAudioFrameSink
    {
        public List<short> Values { get; } = [];

        public void Write(MixedFrame frame)
        {
            var s = frame.Samples;
            foreach (short v in s)
            {
                if (v != s[0])
                {
                    Values.Add(-1); // torn frame
                    return;
                }
            }
            Values.Add(s[0]);
        }
    }
}
