using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class LimiterTests
{
    [Fact]
    public void At_rest_and_below_full_scale_the_limiter_is_exact()
    {
        var rng = new Random(7);
        var mix = new int[Frame.Samples];
        var output = new short[Frame.Samples];
        for (int i = 0; i < mix.Length; i++)
        {
            mix[i] = rng.Next(short.MinValue + 1, short.MaxValue + 1);
        }
        mix[3] = short.MaxValue;
        mix[4] = -short.MaxValue;
        float gain = 1f;
        PeakLimiter.Process(mix, output, ref gain);
        Assert.Equal(1f, gain);
        Assert.Equal(mix.Select(v => (short)v), output);
    }

    [Fact]
    public void Overload_never_wraps_and_recovers_to_exact()
    {
        var mix = new int[Frame.Samples];
        var output = new short[Frame.Samples];
        float gain = 1f;
        for (int i = 0; i < mix.Length; i++)
        {
            mix[i] = (int)(120_000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
        }
        mix[10] = int.MaxValue;
        mix[11] = int.MinValue;
        PeakLimiter.Process(mix, output, ref gain);
        for (int i = 0; i < mix.Length; i++)
        {
            Assert.True(mix[i] == 0 || Math.Sign(output[i]) == Math.Sign(mix[i]) || output[i] == 0, $"sample {i} wrapped");
        }
        Assert.True(gain < 1f);

        // Quiet audio afterwards: the gain releases at 0.5 dB/frame and then the output is exact again.
        for (int i = 0; i < mix.Length; i++)
        {
            mix[i] = (int)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
        }
        int frames = 0;
        while (gain < 1f && frames < 1000)
        {
            PeakLimiter.Process(mix, output, ref gain);
            frames++;
        }
        Assert.InRange(frames, 2, 400);
        PeakLimiter.Process(mix, output, ref gain);
        Assert.Equal(mix.Select(v => (short)v), output);
    }

    [Fact]
    public void Gain_reduction_is_smooth_not_a_hard_clip()
    {
        // A 2× overloaded sine through the limiter keeps its shape (scaled), unlike a hard clip.
        var mix = new int[Frame.Samples];
        var output = new short[Frame.Samples];
        for (int i = 0; i < mix.Length; i++)
        {
            mix[i] = (int)(65_000 * Math.Sin(2 * Math.PI * 200 * i / 16000.0));
        }
        float gain = 1f;
        PeakLimiter.Process(mix, output, ref gain);
        PeakLimiter.Process(mix, output, ref gain); // steady state: whole frame at the reduced gain
        // Only the 8 crests (4 periods) may touch full scale; a hard clip would flatten about 2/3 of the frame.
        int atFullScale = output.Count(s => Math.Abs((int)s) >= 32700);
        Assert.True(atFullScale <= 8, $"{atFullScale} samples stuck at full scale");
        Assert.InRange(output.Max(), 32000, 32767);
        Assert.True(Dsp.Correlation(output, mix.Select(v => (short)(v / 2)).ToArray()) > 0.999);
    }

    [Fact]
    public void Attack_reaches_the_required_gain_within_one_millisecond()
    {
        var rng = new Random(3);
        var mix = Enumerable.Range(0, Frame.Samples).Select(_ => rng.Next(-100_000, 100_001)).ToArray();
        mix[200] = 131_068; // peak: required gain = 32767 / 131068 = 0.25
        var output = new short[Frame.Samples];
        float gain = 1f;
        PeakLimiter.Process(mix, output, ref gain);
        Assert.Equal(32767f / 131_068f, gain, 6);
        for (int i = 16; i < Frame.Samples; i++)
        {
            Assert.InRange(output[i] - (mix[i] * (double)gain), -1.01, 1.01);
        }
        for (int i = 0; i < 16; i++)
        {
            double g = 1 - ((1 - gain) * (i + 1) / 16.0);
            double expected = Math.Clamp(mix[i] * g, short.MinValue, short.MaxValue);
            Assert.InRange(output[i] - expected, -1.01, 1.01);
        }
    }

    [Fact]
    public void Release_ramps_linearly_across_the_frame()
    {
        var rng = new Random(4);
        var mix = Enumerable.Range(0, Frame.Samples).Select(_ => rng.Next(-8000, 8001)).ToArray();
        var output = new short[Frame.Samples];
        float gain = 0.5f;
        PeakLimiter.Process(mix, output, ref gain);
        double end = 0.5 * Math.Pow(10, PeakLimiter.ReleaseDbPerFrame / 20);
        Assert.Equal(end, gain, 5);
        for (int i = 0; i < Frame.Samples; i++)
        {
            double g = 0.5 + ((end - 0.5) * (i + 1) / Frame.Samples);
            Assert.InRange(output[i] - (mix[i] * g), -1.01, 1.01);
        }
    }

    [Fact]
    public void Room_overload_does_not_wrap_around()
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("loud", new MixerRoomOptions { JoinLeaveTones = false, GateOnTalkDetection = false });
        var sources = Enumerable.Range(0, 5).Select(_ => SignalSource.Tone(300, 30000)).ToArray(); // in phase
        var sink = new RecordingSink();
        foreach (var (s, i) in sources.Select((s, i) => (s, i)))
        {
            room.AddParticipant($"p{i}", s, i == 0 ? sink : null);
        }
        for (int t = 0; t < 10; t++)
        {
            clock.TickNow();
        }
        for (int t = 0; t < 10; t++)
        {
            for (int i = 0; i < Frame.Samples; i++)
            {
                int sum = 4 * sources[1].Produced[t][i];
                Assert.True(sum == 0 || sink.Frames[t][i] == 0 || Math.Sign(sum) == Math.Sign(sink.Frames[t][i]), $"wrap at {t}/{i}");
            }
        }
        Assert.InRange(sink.Frames[^1].Max(), 30000, 32767);
    }
}
