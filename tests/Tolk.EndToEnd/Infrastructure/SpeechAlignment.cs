namespace Tolk.EndToEnd.Infrastructure;

/// <summary>
/// Compares two recordings of speech: MFCCs (25 ms frames, 10 ms hop, 26 mel bands, 12 cepstra without c0,
/// per-utterance mean normalisation) aligned by dynamic time warping; the distance is the mean cost along the
/// path. Used where no recogniser exists for the language: is what a listener heard closer to the expected
/// phrase than to another phrase spoken by the same engine?
/// </summary>
public static class SpeechAlignment
{
    private const int Bands = 26;
    private const int Cepstra = 12;

    /// <summary>DTW distance between the MFCC sequences of two signals at the same rate.</summary>
    public static double Distance(short[] a, short[] b, int sampleRate) => Dtw(Mfcc(a, sampleRate), Mfcc(b, sampleRate));

    /// <summary>The samples from the first to the last 20 ms frame louder than <paramref name="threshold"/> (of full scale).</summary>
    public static short[] TrimSilence(short[] samples, int sampleRate, double threshold = 0.01)
    {
        var frame = sampleRate / 50;
        int first = -1, last = -1;
        for (var start = 0; start + frame <= samples.Length; start += frame)
        {
            double sum = 0;
            for (var i = start; i < start + frame; i++)
            {
                sum += (double)samples[i] * samples[i];
            }
            if (Math.Sqrt(sum / frame) / 32768.0 > threshold)
            {
                first = first < 0 ? start : first;
                last = start + frame;
            }
        }
        return first < 0 ? [] : samples[first..last];
    }

    private static double[][] Mfcc(short[] samples, int sampleRate)
    {
        var win = sampleRate / 40;
        var hop = sampleRate / 100;
        var n = 1;
        while (n < win)
        {
            n <<= 1;
        }
        var mel = MelBank(n, sampleRate);
        var frames = new List<double[]>();
        var re = new double[n];
        var im = new double[n];
        var energies = new double[Bands];
        for (var start = 0; start + win <= samples.Length; start += hop)
        {
            Array.Clear(re);
            Array.Clear(im);
            for (var i = 0; i < win; i++)
            {
                var prev = start + i > 0 ? samples[start + i - 1] : 0;
                var emphasised = samples[start + i] - (0.97 * prev);
                re[i] = emphasised * (0.54 - (0.46 * Math.Cos(2 * Math.PI * i / (win - 1))));
            }
            Fft(re, im);
            for (var m = 0; m < Bands; m++)
            {
                double e = 0;
                for (var k = 0; k <= n / 2; k++)
                {
                    e += mel[m][k] * ((re[k] * re[k]) + (im[k] * im[k]));
                }
                energies[m] = Math.Log(e + 1e-3);
            }
            var c = new double[Cepstra];
            for (var j = 1; j <= Cepstra; j++)
            {
                double sum = 0;
                for (var m = 0; m < Bands; m++)
                {
                    sum += energies[m] * Math.Cos(Math.PI * j * (m + 0.5) / Bands);
                }
                c[j - 1] = sum;
            }
            frames.Add(c);
        }
        // Cepstral mean normalisation removes the channel (codec, level) from the comparison.
        for (var j = 0; j < Cepstra; j++)
        {
            var mean = frames.Count == 0 ? 0 : frames.Average(f => f[j]);
            foreach (var f in frames)
            {
                f[j] -= mean;
            }
        }
        return [.. frames];
    }

    private static double[][] MelBank(int n, int sampleRate)
    {
        static double ToMel(double f) => 2595 * Math.Log10(1 + (f / 700));
        static double FromMel(double m) => 700 * (Math.Pow(10, m / 2595) - 1);
        var low = ToMel(100);
        var high = ToMel(Math.Min(3800, sampleRate / 2.0));
        var edges = Enumerable.Range(0, Bands + 2).Select(i => FromMel(low + ((high - low) * i / (Bands + 1))) * n / sampleRate).ToArray();
        var bank = new double[Bands][];
        for (var m = 0; m < Bands; m++)
        {
            bank[m] = new double[(n / 2) + 1];
            for (var k = 0; k <= n / 2; k++)
            {
                if (k >= edges[m] && k <= edges[m + 1])
                {
                    bank[m][k] = (k - edges[m]) / (edges[m + 1] - edges[m]);
                }
                else if (k > edges[m + 1] && k <= edges[m + 2])
                {
                    bank[m][k] = (edges[m + 2] - k) / (edges[m + 2] - edges[m + 1]);
                }
            }
        }
        return bank;
    }

    private static double Dtw(double[][] a, double[][] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return double.PositiveInfinity;
        }
        var cost = new double[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            for (var j = 0; j <= b.Length; j++)
            {
                cost[i, j] = double.PositiveInfinity;
            }
        }
        cost[0, 0] = 0;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                double d = 0;
                for (var k = 0; k < Cepstra; k++)
                {
                    var diff = a[i - 1][k] - b[j - 1][k];
                    d += diff * diff;
                }
                cost[i, j] = Math.Sqrt(d) + Math.Min(cost[i - 1, j - 1], Math.Min(cost[i - 1, j], cost[i, j - 1]));
            }
        }
        return cost[a.Length, b.Length] / (a.Length + b.Length);
    }

    /// <summary>In-place radix-2 FFT.</summary>
    private static void Fft(double[] re, double[] im)
    {
        var n = re.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }
            j ^= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        for (var len = 2; len <= n; len <<= 1)
        {
            var angle = -2 * Math.PI / len;
            for (var i = 0; i < n; i += len)
            {
                for (var k = 0; k < len / 2; k++)
                {
                    var wr = Math.Cos(angle * k);
                    var wi = Math.Sin(angle * k);
                    var xr = (re[i + k + (len / 2)] * wr) - (im[i + k + (len / 2)] * wi);
                    var xi = (re[i + k + (len / 2)] * wi) + (im[i + k + (len / 2)] * wr);
                    re[i + k + (len / 2)] = re[i + k] - xr;
                    im[i + k + (len / 2)] = im[i + k] - xi;
                    re[i + k] += xr;
                    im[i + k] += xi;
                }
            }
        }
    }
}
