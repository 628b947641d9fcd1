using Tolk.Speech.Audio;

namespace Tolk.Speech.Local.Emotion;

/// <summary>Prosodic measurements of one utterance.</summary>
/// <param name="MedianPitchHz">Median F0 over voiced frames (0 when nothing was voiced).</param>
/// <param name="PitchSpreadSemitones">Standard deviation of F0 in semitones (intonation liveliness).</param>
/// <param name="MeanLevelDbfs">Mean level of active frames.</param>
/// <param name="LevelSpreadDb">Standard deviation of active-frame level.</param>
/// <param name="SyllablesPerSecond">Speaking rate estimated from energy peaks over the active time.</param>
/// <param name="SpectralTiltDb">High-band (1–4 kHz) minus low-band (0–1 kHz) energy: tense voices tilt less.</param>
/// <param name="Jitter">Mean relative period change between consecutive voiced frames.</param>
/// <param name="VoicedSeconds">Voiced time measured.</param>
public sealed record ProsodyFeatures(
    double MedianPitchHz,
    double PitchSpreadSemitones,
    double MeanLevelDbfs,
    double LevelSpreadDb,
    double SyllablesPerSecond,
    double SpectralTiltDb,
    double Jitter,
    double VoicedSeconds)
{
    /// <summary>Measures an utterance (16-bit mono PCM).</summary>
    public static ProsodyFeatures Measure(ReadOnlySpan<short> audio, int sampleRate)
    {
        const int hopMs = 10;
        var hop = sampleRate * hopMs / 1000;
        var f0 = PitchTracker.Track(audio, sampleRate, hop);
        var voiced = f0.Where(v => v > 0).ToArray();
        var median = Median(voiced);
        var semis = voiced.Select(v => 12 * Math.Log2(v / Math.Max(median, 1))).ToArray();
        var spread = StdDev(semis);

        var jitterSum = 0.0;
        var jitterN = 0;
        for (var i = 1; i < f0.Length; i++)
        {
            if (f0[i] > 0 && f0[i - 1] > 0)
            {
                var p0 = 1 / f0[i - 1];
                var p1 = 1 / f0[i];
                var rel = Math.Abs(p1 - p0) / ((p0 + p1) / 2);
                if (rel < 0.2)
                {
                    // Larger jumps are octave errors or segment boundaries, not jitter.
                    jitterSum += rel;
                    jitterN++;
                }
            }
        }

        // Frame levels (20 ms) for loudness and the syllable-rate estimate.
        var frame = sampleRate / 50;
        var levels = new List<double>();
        for (var i = 0; i + frame <= audio.Length; i += frame)
        {
            levels.Add(AudioMath.Dbfs(audio.Slice(i, frame)));
        }

        var peak = levels.Count == 0 ? -120 : levels.Max();
        var active = levels.Where(l => l > peak - 30 && l > -55).ToArray();
        var meanLevel = active.Length == 0 ? -120 : active.Average();
        var levelSpread = StdDev(active);
        var activeSeconds = active.Length * 0.02;

        // Syllable nuclei: local maxima of the smoothed envelope that stand ≥ 3 dB above the preceding dip.
        var smooth = new double[levels.Count];
        for (var i = 0; i < levels.Count; i++)
        {
            var a = levels[Math.Max(0, i - 1)];
            var c = levels[Math.Min(levels.Count - 1, i + 1)];
            smooth[i] = (a + (2 * levels[i]) + c) / 4;
        }

        var syllables = 0;
        var dip = double.MaxValue;
        for (var i = 1; i + 1 < smooth.Length; i++)
        {
            dip = Math.Min(dip, smooth[i]);
            if (smooth[i] >= smooth[i - 1] && smooth[i] > smooth[i + 1] && smooth[i] > peak - 25 && smooth[i] - dip >= 3)
            {
                syllables++;
                dip = smooth[i];
            }
        }

        var rate = activeSeconds < 0.2 ? 0 : syllables / activeSeconds;
        return new ProsodyFeatures(median, spread, meanLevel, levelSpread, rate, Tilt(audio, sampleRate), jitterN == 0 ? 0 : jitterSum / jitterN, voiced.Length * hopMs / 1000.0);
    }

    private static double Tilt(ReadOnlySpan<short> audio, int sampleRate)
    {
        const int n = 512;
        var re = new double[n];
        var im = new double[n];
        double low = 1e-9, high = 1e-9;
        for (var start = 0; start + n <= audio.Length; start += n)
        {
            if (AudioMath.Dbfs(audio.Slice(start, n)) < -45)
            {
                continue;
            }

            for (var i = 0; i < n; i++)
            {
                re[i] = audio[start + i] * (0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (n - 1))));
                im[i] = 0;
            }

            Fft.Transform(re, im);
            for (var k = 1; k < n / 2; k++)
            {
                var hz = k * (double)sampleRate / n;
                var p = (re[k] * re[k]) + (im[k] * im[k]);
                if (hz < 1000)
                {
                    low += p;
                }
                else if (hz < 4000)
                {
                    high += p;
                }
            }
        }

        return 10 * Math.Log10(high / low);
    }

    private static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static double StdDev(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
