namespace Tolk.Media.Mixing;

/// <summary>Generated join/leave cue tones (16 kHz PCM, computed once).</summary>
internal static class RoomTones
{
    private const int NoteSamples = MixerFormat.SampleRate / 10; // 100 ms per note
    private const int FadeSamples = MixerFormat.SampleRate / 200; // 5 ms fades avoid clicks
    private const double Amplitude = 4000; // ≈ −18 dBFS peak: audible but under speech

    /// <summary>Rising two-note cue (E5 → A5), 200 ms.</summary>
    public static readonly short[] Join = Build(659.25, 880.0);

    /// <summary>Falling two-note cue (A5 → E5), 200 ms.</summary>
    public static readonly short[] Leave = Build(880.0, 659.25);

    private static short[] Build(double first, double second)
    {
        var pcm = new short[NoteSamples * 2];
        WriteNote(pcm.AsSpan(0, NoteSamples), first);
        WriteNote(pcm.AsSpan(NoteSamples, NoteSamples), second);
        return pcm;
    }

    private static void WriteNote(Span<short> dst, double frequency)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            double envelope = Math.Min(1.0, Math.Min(i, dst.Length - 1 - i) / (double)FadeSamples);
            double v = Amplitude * envelope * Math.Sin(2 * Math.PI * frequency * i / MixerFormat.SampleRate);
            dst[i] = (short)Math.Round(v);
        }
    }
}
