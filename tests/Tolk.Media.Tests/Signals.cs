namespace Tolk.Media.Tests;

/// <summary>Test signals and measurements.</summary>
internal static class Signals
{
    public static short[] Tone(double frequency, int sampleRate, int samples, double amplitude = 10000, double phase = 0)
    {
        var s = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            s[i] = (short)Math.Round(amplitude * Math.Sin((2 * Math.PI * frequency * i / sampleRate) + phase));
        }

        return s;
    }

    /// <summary>Linear chirp from <paramref name="f0"/> to <paramref name="f1"/>.</summary>
    public static short[] Chirp(double f0, double f1, int sampleRate, int samples, double amplitude = 10000)
    {
        var s = new short[samples];
        var duration = (double)samples / sampleRate;
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / sampleRate;
            s[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * ((f0 * t) + ((f1 - f0) * t * t / (2 * duration)))));
        }

        return s;
    }

    /// <summary>Best SNR in dB of <paramref name="test"/> against <paramref name="reference"/> over lags 0..maxLag (codec delay), skipping a warm-up.</summary>
    public static double Snr(ReadOnlySpan<short> reference, ReadOnlySpan<short> test, int maxLag, int skip = 0)
    {
        var best = double.NegativeInfinity;
        for (var lag = 0; lag <= maxLag; lag++)
        {
            double signal = 0, noise = 0;
            for (var i = skip; i + lag < test.Length && i < reference.Length; i++)
            {
                double r = reference[i];
                double e = test[i + lag] - r;
                signal += r * r;
                noise += e * e;
            }

            best = Math.Max(best, 10 * Math.Log10(signal / Math.Max(noise, 1e-9)));
        }

        return best;
    }

    /// <summary>Power of the component at <paramref name="frequency"/> (Goertzel).</summary>
    public static double Goertzel(ReadOnlySpan<short> x, double frequency, int sampleRate)
    {
        var w = 2 * Math.PI * frequency / sampleRate;
        var coeff = 2 * Math.Cos(w);
        double s1 = 0, s2 = 0;
        foreach (var v in x)
        {
            var s0 = v + (coeff * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return ((s1 * s1) + (s2 * s2) - (coeff * s1 * s2)) / x.Length;
    }

    /// <summary>Frequency with the most power among 10 Hz steps in [lo, hi].</summary>
    public static double DominantFrequency(ReadOnlySpan<short> x, int sampleRate, double lo, double hi)
    {
        double bestF = lo, bestP = -1;
        for (var f = lo; f <= hi; f += 10)
        {
            var p = Goertzel(x, f, sampleRate);
            if (p > bestP)
            {
                bestP = p;
                bestF = f;
            }
        }

        return bestF;
    }

    public static double Rms(ReadOnlySpan<short> x)
    {
        double sum = 0;
        foreach (var v in x)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum / Math.Max(1, x.Length));
    }

    /// <summary>Speech from espeak-ng, resampled to <paramref name="sampleRate"/>, or null when espeak-ng is absent.</summary>
    public static short[]? Speech(int sampleRate, string text = "The quick brown fox jumps over the lazy dog. Tolk translates every caller live.")
    {
        var wav = Path.Combine(Path.GetTempPath(), $"tolk-speech-{Environment.ProcessId}-{Guid.NewGuid():N}.wav");
        try
        {
            using (var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("espeak-ng", ["-w", wav, text])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            }))
            {
                if (p is null)
                {
                    return null;
                }

                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    return null;
                }
            }

            var (pcm, rate) = ReadWav(File.ReadAllBytes(wav));
            if (rate == sampleRate)
            {
                return pcm;
            }

            using var resampler = new Tolk.Media.Resampling.SpeexResampler(rate, sampleRate, 8);
            var output = new short[(int)((long)pcm.Length * sampleRate / rate) + 1000];
            var n = resampler.Process(pcm, output);
            return output[..n];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            File.Delete(wav);
        }
    }

    /// <summary>Minimal RIFF/WAVE reader for mono 16-bit PCM.</summary>
    public static (short[] Pcm, int Rate) ReadWav(byte[] bytes)
    {
        var offset = 12;
        var rate = 0;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BitConverter.ToInt32(bytes, offset + 4);
            if (id == "fmt ")
            {
                rate = BitConverter.ToInt32(bytes, offset + 12);
            }
            else if (id == "data")
            {
                // espeak-ng streams to file and may leave the size field at 0x7FFFFFFF.
                size = Math.Min(size < 0 ? int.MaxValue : size, bytes.Length - offset - 8);
                var pcm = new short[size / 2];
                Buffer.BlockCopy(bytes, offset + 8, pcm, 0, pcm.Length * 2);
                return (pcm, rate);
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException("no data chunk");
    }
}
