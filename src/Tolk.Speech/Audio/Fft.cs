namespace Tolk.Speech.Audio;

/// <summary>In-place radix-2 complex FFT (power-of-two lengths).</summary>
public static class Fft
{
    /// <summary>Transforms (<paramref name="re"/>, <paramref name="im"/>) in place.</summary>
    public static void Transform(Span<double> re, Span<double> im)
    {
        var n = re.Length;
        if (n != im.Length || (n & (n - 1)) != 0)
        {
            throw new ArgumentException("FFT length must be a power of two and both parts equal.", nameof(re));
        }

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
            var ang = -2 * Math.PI / len;
            var wr = Math.Cos(ang);
            var wi = Math.Sin(ang);
            for (var i = 0; i < n; i += len)
            {
                double cr = 1, ci = 0;
                for (var k = 0; k < len / 2; k++)
                {
                    var ur = re[i + k];
                    var ui = im[i + k];
                    var vr = (re[i + k + (len / 2)] * cr) - (im[i + k + (len / 2)] * ci);
                    var vi = (re[i + k + (len / 2)] * ci) + (im[i + k + (len / 2)] * cr);
                    re[i + k] = ur + vr;
                    im[i + k] = ui + vi;
                    re[i + k + (len / 2)] = ur - vr;
                    im[i + k + (len / 2)] = ui - vi;
                    var t = (cr * wr) - (ci * wi);
                    ci = (cr * wi) + (ci * wr);
                    cr = t;
                }
            }
        }
    }
}
