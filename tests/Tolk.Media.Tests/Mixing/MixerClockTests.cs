using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class MixerClockTests
{
    private static readonly TimeSpan Frame20 = TimeSpan.FromMilliseconds(20);

    /// <summary>Advances the manual clock from inside a tick, as a stalled host would.</summary>
    private sealed class StallingSource(ManualTimeProvider time, int atRead, TimeSpan stall) : IAudioFrameSource
    {
        private int _reads;

        public bool TryRead(Span<short> frame)
        {
            if (++_reads == atRead)
            {
                time.Advance(stall);
            }
            frame.Fill(1000);
            return true;
        }
    }

    [Fact]
    public void One_clock_drives_every_room_every_20_ms()
    {
        var time = new ManualTimeProvider();
        using var clock = new MixerClock(time);
        var sinks = new List<RecordingSink>();
        for (int r = 0; r < 5; r++)
        {
            var room = clock.CreateRoom($"room{r}", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
            var sink = new RecordingSink { Record = false };
            room.AddParticipant("a", SignalSource.Tone(400, 3000) , null);
            room.AddParticipant("b", null, sink);
            sinks.Add(sink);
        }
        clock.Start();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(50, clock.TickCount);
        Assert.All(sinks, s => Assert.Equal(50, s.Count));
        var stats = clock.GetStatistics();
        Assert.Equal(50, stats.Ticks);
        Assert.Equal(0, stats.LateTicks);
        Assert.Equal(TimeSpan.Zero, stats.MaxLateness);
        Assert.Equal(5, clock.Rooms.Count);
        Assert.Throws<InvalidOperationException>(() => clock.Start());
    }

    [Fact]
    public void A_stalled_tick_is_caught_up_and_counted_late()
    {
        var time = new ManualTimeProvider();
        using var clock = new MixerClock(time);
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        room.AddParticipant("slow", new StallingSource(time, atRead: 3, stall: TimeSpan.FromMilliseconds(50)), null);
        var sink = new RecordingSink();
        room.AddParticipant("listener", null, sink);
        clock.Start();

        time.Advance(TimeSpan.FromMilliseconds(200));

        // Deadlines at 20..200 ms: all 10 served, ticks 4 and 5 late (40 and 20 ms) after the 50 ms stall in tick 3.
        var stats = clock.GetStatistics();
        Assert.Equal(10, stats.Ticks);
        Assert.Equal(2, stats.LateTicks);
        Assert.Equal(0, stats.SkippedTicks);
        Assert.Equal(TimeSpan.FromMilliseconds(40), stats.MaxLateness);
        Assert.Equal(TimeSpan.FromMilliseconds(50), stats.MaxTickDuration);
        Assert.Equal(10, sink.Frames.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), sink.Instances.Select((_, i) => (long)i + 1));
    }

    [Fact]
    public void A_long_stall_skips_ticks_instead_of_bursting()
    {
        var time = new ManualTimeProvider();
        using var clock = new MixerClock(time, new MixerClockOptions { MaxCatchUpTicks = 2 });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        room.AddParticipant("slow", new StallingSource(time, atRead: 1, stall: TimeSpan.FromMilliseconds(300)), null);
        clock.Start();

        time.Advance(TimeSpan.FromMilliseconds(400));

        // 20 deadlines. Tick 1 stalls until 320 ms; at the 340 ms timer the clock is 16 deadlines
        // behind: the current one plus 2 catch-up ticks run back to back, 13 are skipped.
        var stats = clock.GetStatistics();
        Assert.Equal(13, stats.SkippedTicks);
        Assert.Equal(20 - 13, stats.Ticks);
        Assert.True(stats.LateTicks >= 2);
    }

    [Fact]
    public async Task Stop_stops_ticking_and_rooms_can_be_detached()
    {
        var time = new ManualTimeProvider();
        var clock = new MixerClock(time);
        var room = clock.CreateRoom("r");
        clock.Start();
        time.Advance(Frame20 * 3);
        Assert.True(clock.RemoveRoom(room));
        Assert.False(clock.RemoveRoom(room));
        time.Advance(Frame20);
        Assert.Equal(3, room.TicksProcessed + room.TicksIdle);
        await clock.StopAsync();
        Assert.False(clock.IsRunning);
        time.Advance(Frame20 * 5);
        Assert.Equal(4, clock.TickCount);
        var other = new MixerClock(time);
        other.AddRoom(room);
        Assert.Throws<InvalidOperationException>(() => clock.AddRoom(room));
    }

    [Fact]
    public async Task High_resolution_loop_ticks_on_the_system_clock()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var sink = new RecordingSink { Record = false };
        room.AddParticipant("a", SignalSource.Tone(300, 3000), null);
        room.AddParticipant("b", null, sink);
        clock.Start();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (clock.TickCount < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await clock.StopAsync();
        long ticks = clock.TickCount;
        Assert.True(ticks >= 10, $"only {ticks} ticks");
        Assert.Equal(ticks, Volatile.Read(ref sink.Count));
        await Task.Delay(100);
        Assert.Equal(ticks, clock.TickCount);
        var stats = clock.GetStatistics();
        Assert.Equal(ticks + stats.SkippedTicks, stats.Ticks + stats.SkippedTicks);
    }
}
