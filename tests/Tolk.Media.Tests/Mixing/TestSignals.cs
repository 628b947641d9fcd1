using Tolk.Media.Mixing;

namespace Tolk.Media.Tests.Mixing;

internal static class Frame
{
    public const int Samples = 320; // 20 ms at 16 kHz
}

/// <summary>A source that plays a generator continuously and records everything it produced.</summary>
internal sealed class SignalSource(Func<long, short> generator) : IAudioFrameSource
{
    private long _index;

    public List<short[]> Produced { get; } = [];

    public int Reads { get; private set; }

    public volatile bool Enabled = true;

    public bool Record { get; init; } = true;

    public bool TryRead(Span<short> frame)
    {
        Reads++;
        if (!Enabled)
        {
            return false;
        }
        for (int i = 0; i < frame.Length; i++)
        {
            frame[i] = generator(_index++);
        }
        if (Record)
        {
            Produced.Add(frame.ToArray());
        }
        return true;
    }

    public static SignalSource Tone(double hz, double amplitude, double phase = 0) =>
        new(i => (short)Math.Round(amplitude * Math.Sin((2 * Math.PI * hz * i / 16000.0) + phase)));

    public static SignalSource Noise(int seed, double amplitude)
    {
        var rng = new Random(seed);
        return new(_ => (short)Math.Round(amplitude * ((rng.NextDouble() * 2) - 1)));
    }

    public static SignalSource Constant(short value) => new(_ => value);
}

/// <summary>A sink that keeps a copy of every frame and the instance it came in.</summary>
internal sealed class RecordingSink : IAudioFrameSink
{
    public List<short[]> Frames { get; } = [];

    public List<MixedFrame> Instances { get; } = [];

    public List<long> GroupKeys { get; } = [];

    public List<int> ListenerCounts { get; } = [];

    public int Count;

    public bool Record { get; init; } = true;

    public void Write(MixedFrame frame)
    {
        Interlocked.Increment(ref Count);
        if (!Record)
        {
            return;
        }
        Frames.Add(frame.Samples.ToArray());
        Instances.Add(frame);
        GroupKeys.Add(frame.GroupKey);
        ListenerCounts.Add(frame.ListenerCount);
    }
}

internal sealed class RecordingTap : IAudioTap
{
    public List<(MixerParticipant Who, short[] Frame, long Tick)> Frames { get; } = [];

    public void OnFrame(MixerParticipant participant, ReadOnlySpan<short> frame, long tick) =>
        Frames.Add((participant, frame.ToArray(), tick));
}

internal static class Dsp
{
    public static double Correlation(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            sa += a[i];
            sb += b[i];
        }
        double ma = sa / n, mb = sb / n;
        for (int i = 0; i < n; i++)
        {
            double x = a[i] - ma, y = b[i] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Magnitude of one frequency (Goertzel), normalised by length.</summary>
    public static double ToneMagnitude(ReadOnlySpan<short> x, double hz)
    {
        double w = 2 * Math.PI * hz / 16000.0;
        double coeff = 2 * Math.Cos(w);
        double s1 = 0, s2 = 0;
        foreach (short v in x)
        {
            double s0 = v + (coeff * s1) - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = (s1 * s1) + (s2 * s2) - (coeff * s1 * s2);
        return Math.Sqrt(Math.Max(0, power)) * 2 / x.Length;
    }

    public static short[] Concat(IEnumerable<short[]> frames) => [.. frames.SelectMany(f => f)];
}
