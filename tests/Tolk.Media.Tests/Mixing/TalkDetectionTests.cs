using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class TalkDetectionTests
{
    /// <summary>Speech-like bursts: a tone for <paramref name="onFrames"/>, then silence.</summary>
    private static SignalSource Burst(int onFrames, double amplitude) =>
        new(i => i < onFrames * Frame.Samples ? (short)(amplitude * Math.Sin(2 * Math.PI * 220 * i / 16000.0)) : (short)0);

    [Fact]
    public void Started_on_first_loud_frame_and_stopped_after_hangover()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        var p = room.AddParticipant("a", Burst(10, 6000), null);
        var events = new List<(string Kind, long Tick)>();
        room.SpeakingStarted += (_, e) => events.Add(("start", e.Tick));
        room.SpeakingStopped += (_, e) => events.Add(("stop", e.Tick));

        for (int t = 0; t < 40; t++)
        {
            clock.TickNow();
        }

        var hangover = new TalkDetectorOptions().HangoverFrames;
        // Loud on ticks 1..10; quiet from 11; stops once more than `hangover` quiet frames have passed.
        Assert.Equal([("start", 1L), ("stop", 10L + hangover + 1)], events);
        Assert.False(p.IsSpeaking);
    }

    [Fact]
    public void Pauses_shorter_than_the_hangover_do_not_split_talk()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        // 5 frames on, 8 off, 5 on: one talk spurt.
        var source = new SignalSource(i =>
        {
            long frame = i / Frame.Samples;
            bool on = frame < 5 || (frame >= 13 && frame < 18);
            return on ? (short)(6000 * Math.Sin(2 * Math.PI * 300 * i / 16000.0)) : (short)0;
        });
        room.AddParticipant("a", source, null);
        int starts = 0, stops = 0;
        room.SpeakingStarted += (_, _) => starts++;
        room.SpeakingStopped += (_, _) => stops++;
        for (int t = 0; t < 60; t++)
        {
            clock.TickNow();
        }
        Assert.Equal(1, starts);
        Assert.Equal(1, stops);
    }

    [Fact]
    public void Hysteresis_keeps_talking_through_a_level_between_the_thresholds()
    {
        var options = new TalkDetectorOptions();
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, TalkDetection = options });
        // RMS of a sine = A/√2; pick a level between stop (−50) and start (−42) dBFS: −46 dBFS.
        // A quiet line first (digital silence keeps the noise floor low), then loud, then in between.
        double between = Math.Pow(10, -46 / 20.0) * 32768 * Math.Sqrt(2);
        var source = new SignalSource(i =>
        {
            long frame = i / Frame.Samples;
            double amplitude = frame < 5 ? 0 : frame < 8 ? 6000 : between;
            return (short)(amplitude * Math.Sin(2 * Math.PI * 300 * i / 16000.0));
        });
        var p = room.AddParticipant("a", source, null);
        var quietOnly = room.AddParticipant("b", new SignalSource(i => (short)(between * Math.Sin(2 * Math.PI * 300 * i / 16000.0))), null);
        for (int t = 0; t < 40; t++)
        {
            clock.TickNow();
        }
        Assert.True(p.IsSpeaking);           // started loud, stays on above the stop threshold
        Assert.False(quietOnly.IsSpeaking);  // never reached the start threshold
        Assert.InRange(quietOnly.InputLevelDbfs, -47, -45);
    }

    [Fact]
    public void Constant_line_noise_is_learned_as_floor_and_speech_above_it_still_detected()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        // −40 dBFS noise (above the absolute start threshold) for 1 s, then speech 20 dB louder on top.
        var rng = new Random(9);
        double noiseAmp = Math.Pow(10, -40 / 20.0) * 32768 * Math.Sqrt(3);
        var source = new SignalSource(i =>
        {
            double n = noiseAmp * ((rng.NextDouble() * 2) - 1);
            double v = i >= 100 * Frame.Samples ? 10 * noiseAmp * Math.Sin(2 * Math.PI * 250 * i / 16000.0) : 0;
            return (short)(n + v);
        });
        var p = room.AddParticipant("a", source, null);
        var states = new List<bool>();
        for (int t = 0; t < 120; t++)
        {
            clock.TickNow();
            states.Add(p.IsSpeaking);
        }
        // The noise starts a spurt at first (floor unknown) but is learned within the first second.
        Assert.False(states[99]);
        Assert.True(states[101]);
    }
}
