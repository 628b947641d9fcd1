using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class IdleAndToneTests
{
    [Fact]
    public void Idle_room_is_not_processed_until_a_source_wakes_it()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var options = new MixerRoomOptions { JoinLeaveTones = false, IdleAfterTicks = 10 };
        var room = clock.CreateRoom("idle", options);
        var busy = clock.CreateRoom("busy", options with { GateOnTalkDetection = false });
        var src = SignalSource.Tone(440, 5000);
        src.Enabled = false;
        var sink = new RecordingSink();
        var p = room.AddParticipant("a", src, sink);
        room.AddParticipant("b", null, new RecordingSink());
        var busySink = new RecordingSink();
        busy.AddParticipant("x", SignalSource.Tone(500, 5000), null);
        busy.AddParticipant("y", null, busySink);

        for (int t = 0; t < 100; t++)
        {
            clock.TickNow();
        }

        Assert.True(room.IsIdle);
        // Tick 1 counts as activity (the joins woke the room); 10 quiet ticks later it sleeps.
        Assert.Equal(11, room.TicksProcessed);
        Assert.Equal(89, room.TicksIdle);
        Assert.Equal(11, src.Reads); // the dormant room pulls nothing
        Assert.Equal(11, sink.Frames.Count);
        Assert.All(sink.Frames, f => Assert.True(f.All(s => s == 0)));
        Assert.Equal(100, busySink.Frames.Count);
        Assert.False(busy.IsIdle);

        src.Enabled = true;
        p.NotifyInputAvailable();
        Assert.False(room.IsIdle);
        clock.TickNow();
        Assert.Equal(12, src.Reads);
        Assert.Equal(12, room.TicksProcessed);
        Assert.Equal(src.Produced[0], ((RecordingSink)room.Participants[1].Output!).Frames[^1]);
    }

    [Fact]
    public void Join_and_leave_cues_are_mixed_for_everyone_and_can_be_turned_off()
    {
        foreach (bool tones in new[] { true, false })
        {
            var clock = new MixerClock(new ManualTimeProvider());
            var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = tones });
            var sink = new RecordingSink();
            room.AddParticipant("listener", null, sink);
            clock.TickNow(); // the listener's own join cue
            for (int t = 0; t < 12; t++)
            {
                clock.TickNow();
            }
            sink.Frames.Clear();
            var guest = room.AddParticipant("guest", null, null);
            for (int t = 0; t < 12; t++)
            {
                clock.TickNow();
            }
            var join = Dsp.Concat(sink.Frames);
            sink.Frames.Clear();
            guest.Leave();
            for (int t = 0; t < 12; t++)
            {
                clock.TickNow();
            }
            var leave = Dsp.Concat(sink.Frames);

            if (tones)
            {
                // Rising: the first 100 ms is the lower note; falling: the reverse.
                Assert.True(Dsp.ToneMagnitude(join.AsSpan(0, 1600), 659.25) > 2000);
                Assert.True(Dsp.ToneMagnitude(join.AsSpan(1600, 1600), 880) > 2000);
                Assert.True(Dsp.ToneMagnitude(leave.AsSpan(0, 1600), 880) > 2000);
                Assert.True(Dsp.ToneMagnitude(leave.AsSpan(1600, 1600), 659.25) > 2000);
                Assert.All(join.Skip(3200), s => Assert.Equal(0, s));
            }
            else
            {
                Assert.All(join, s => Assert.Equal(0, s));
                Assert.All(leave, s => Assert.Equal(0, s));
            }
        }
    }

    [Fact]
    public void Participant_without_sink_gets_no_mix_and_left_participant_gets_no_more_frames()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        var sink = new RecordingSink();
        var p = room.AddParticipant("a", SignalSource.Tone(400, 5000), sink);
        clock.TickNow();
        Assert.True(room.RemoveParticipant(p));
        Assert.False(room.RemoveParticipant(p));
        Assert.True(p.HasLeft);
        clock.TickNow();
        Assert.Single(sink.Frames);
        Assert.Empty(room.Participants);
    }
}
