namespace Tolk.Speech.Audio;

/// <summary>Small signal measurements shared by the VAD, emotion detector and tests.</summary>
public static class AudioMath
{
    /// <summary>Root mean square of the samples, in linear 16-bit units.</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Level in dB relative to full scale (−120 for silence).</summary>
    public static double Dbfs(ReadOnlySpan<short> samples)
    {
        var rms = Rms(samples);
        return rms <= 0 ? -120 : 20 * Math.Log10(rms / 32768.0);
    }

    /// <summary>
    /// How long the end of <paramref name="samples"/> has been quiet: the time after the last 20 ms frame whose level is
    /// within 35 dB of the loudest frame (and above −50 dBFS). This is where the sound really ended, unlike a VAD's end
    /// of speech, which comes later by its own hangover.
    /// </summary>
    public static TimeSpan TrailingQuiet(ReadOnlySpan<short> samples, int sampleRate)
    {
        var frame = sampleRate / 50;
        var frames = samples.Length / frame;
        if (frames == 0)
        {
            return TimeSpan.Zero;
        }

        Span<double> levels = frames <= 1024 ? stackalloc double[frames] : new double[frames];
        var loudest = double.MinValue;
        for (var i = 0; i < frames; i++)
        {
            levels[i] = Dbfs(samples.Slice(i * frame, frame));
            loudest = Math.Max(loudest, levels[i]);
        }

        var threshold = Math.Max(-50, loudest - 35);
        var last = frames - 1;
        while (last >= 0 && levels[last] < threshold)
        {
            last--;
        }

        // Samples past the last whole frame belong to the quiet tail too.
        var quietSamples = samples.Length - ((last + 1) * frame);
        return TimeSpan.FromSeconds((double)quietSamples / sampleRate);
    }
}
