using System.Numerics;

namespace Tolk.Speech.Local.Emotion;

/// <summary>
/// YIN fundamental-frequency estimator (de Cheveigné &amp; Kawahara 2002): cumulative mean normalised difference,
/// absolute threshold, parabolic interpolation. Used for emotion prosody and for voice adaptation.
/// </summary>
public static class PitchTracker
{
    /// <summary>Lowest pitch searched (Hz).</summary>
    public const double MinHz = 60;

    /// <summary>Highest pitch searched (Hz).</summary>
    public const double MaxHz = 450;

    /// <summary>
    /// Estimates F0 of one window (at least 2 × sampleRate / <see cref="MinHz"/> samples for full range);
    /// returns 0 for unvoiced windows.
    /// </summary>
    public static double Estimate(ReadOnlySpan<short> window, int sampleRate, double threshold = 0.15)
    {
        var maxLag = Math.Min(window.Length / 2, (int)(sampleRate / MinHz));
        var minLag = (int)(sampleRate / MaxHz);
        if (maxLag <= minLag + 2)
        {
            return 0;
        }

        var w = maxLag; // integration window
        Span<double> d = maxLag + 1 <= 1024 ? stackalloc double[maxLag + 1] : new double[maxLag + 1];
        // The difference function is O(lags × window): in doubles, a vector of them at a time (it runs for every
        // 10 ms hop of every phrase of every speaker).
        var length = w + maxLag;
        Span<double> x = length <= 2048 ? stackalloc double[length] : new double[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = window[i];
        }

        var lanes = Vector<double>.Count;
        var head = x[..w];
        for (var tau = 1; tau <= maxLag; tau++)
        {
            var shifted = x.Slice(tau, w);
            var acc = Vector<double>.Zero;
            var j = 0;
            for (; j <= w - lanes; j += lanes)
            {
                var diff = new Vector<double>(head[j..]) - new Vector<double>(shifted[j..]);
                acc += diff * diff;
            }

            var sum = Vector.Sum(acc);
            for (; j < w; j++)
            {
                var diff = head[j] - shifted[j];
                sum += diff * diff;
            }

            d[tau] = sum;
        }

        // Cumulative mean normalised difference.
        d[0] = 1;
        double running = 0;
        for (var tau = 1; tau <= maxLag; tau++)
        {
            running += d[tau];
            d[tau] = running <= 0 ? 1 : d[tau] * tau / running;
        }

        var best = -1;
        for (var tau = minLag; tau < maxLag; tau++)
        {
            if (d[tau] < threshold)
            {
                while (tau + 1 < maxLag && d[tau + 1] < d[tau])
                {
                    tau++;
                }

                best = tau;
                break;
            }
        }

        if (best < 0)
        {
            return 0;
        }

        // Parabolic interpolation around the minimum.
        double refined = best;
        if (best > 1 && best < maxLag)
        {
            var a = d[best - 1];
            var b = d[best];
            var c = d[best + 1];
            var denom = a - (2 * b) + c;
            if (Math.Abs(denom) > 1e-12)
            {
                refined = best + (0.5 * (a - c) / denom);
            }
        }

        return sampleRate / refined;
    }

    /// <summary>F0 track: one value per <paramref name="hop"/> samples (0 = unvoiced or silent).</summary>
    public static double[] Track(ReadOnlySpan<short> audio, int sampleRate, int hop = 320)
    {
        var win = (int)(2 * sampleRate / MinHz) + 2;
        if (audio.Length < win)
        {
            return [];
        }

        var frames = ((audio.Length - win) / hop) + 1;
        var f0 = new double[frames];
        for (var i = 0; i < frames; i++)
        {
            var slice = audio.Slice(i * hop, win);
            f0[i] = Audio.AudioMath.Dbfs(slice) < -45 ? 0 : Estimate(slice, sampleRate);
        }

        return f0;
    }
}
