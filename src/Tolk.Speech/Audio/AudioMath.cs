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
}
