using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

/// <summary>Runs the real libspeexdsp preprocessor (Debian libspeexdsp1) inside the mixer.</summary>
public sealed class InputProcessingTests
{
    private static double RmsDb(IEnumerable<short> x)
    {
        var a = x.ToArray();
        double ms = a.Average(v => (double)v * v);
        return 10 * Math.Log10(Math.Max(ms, 1e-9) / (32768.0 * 32768.0));
    }

    [Fact]
    public void Noise_suppression_attenuates_stationary_noise()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var noise = SignalSource.Noise(21, 3000);
        var raw = SignalSource.Noise(21, 3000); // the same noise, unprocessed, for reference
        var processedSink = new RecordingSink();
        var rawSink = new RecordingSink();
        var p = room.AddParticipant("noisy", noise, null);
        p.InputProcessing = new InputProcessingOptions { NoiseSuppression = true, NoiseSuppressionDb = -30 };
        var tap = new RecordingTap();
        p.AddTap(tap);
        room.AddParticipant("listener", null, processedSink);
        var other = clock.CreateRoom("ref", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        other.AddParticipant("noisy", raw, null);
        other.AddParticipant("listener", null, rawSink);

        for (int t = 0; t < 150; t++)
        {
            clock.TickNow();
        }

        double before = RmsDb(rawSink.Frames.Skip(100).SelectMany(f => f));
        double after = RmsDb(processedSink.Frames.Skip(100).SelectMany(f => f));
        Assert.True(after < before - 10, $"noise {before:F1} dBFS → {after:F1} dBFS");
        // The tap sees the cleaned input, the same samples the others hear.
        Assert.Equal(processedSink.Frames[^1], tap.Frames[^1].Frame);

        p.InputProcessing = null; // back to raw from the next tick
        clock.TickNow();
        Assert.Equal(noise.Produced[^1], processedSink.Frames[^1]);
        Assert.Equal(0, room.CallbackErrors);
    }

    [Fact]
    public void Agc_raises_a_quiet_talker()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        // A quiet voiced-speech stand-in: a 150 Hz pulse train with harmonics, syllable-modulated at 4 Hz.
        var quiet = new SignalSource(i =>
        {
            double t = i / 16000.0;
            double envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 4 * t));
            double v = 0;
            for (int h = 1; h <= 10; h++)
            {
                v += Math.Sin(2 * Math.PI * 150 * h * t) / h;
            }
            return (short)(300 * envelope * v);
        });
        var sink = new RecordingSink();
        var p = room.AddParticipant("quiet", quiet, null);
        p.InputProcessing = new InputProcessingOptions { NoiseSuppression = false, AutomaticGainControl = true, AgcMaxGainDb = 30 };
        room.AddParticipant("listener", null, sink);

        for (int t = 0; t < 250; t++)
        {
            clock.TickNow();
        }

        double input = RmsDb(quiet.Produced.Skip(200).SelectMany(f => f));
        double output = RmsDb(sink.Frames.Skip(200).SelectMany(f => f));
        Assert.True(output > input + 6, $"quiet talker {input:F1} dBFS → {output:F1} dBFS");
    }
}
