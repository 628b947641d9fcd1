using Tolk.Media.Mixing;

namespace Tolk.Media.Tests.Mixing;

public sealed class PcmKernelsTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 7, 15, 16, 17, 33, 320, 333 };

    private static short[] RandomShorts(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new short[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (short)rng.Next(short.MinValue, short.MaxValue + 1);
        }
        if (n > 1)
        {
            // The worst case for the pairwise multiply-add: two adjacent −32768 samples (sum 2^31).
            x[0] = short.MinValue;
            x[1] = short.MinValue;
        }
        return x;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Kernels_match_scalar_reference(int n)
    {
        var a = RandomShorts(n, n);
        var b = RandomShorts(n, n + 100);
        var wide = new int[n];
        PcmKernels.Widen(wide, a);
        Assert.Equal(a.Select(v => (int)v), wide);

        var acc = wide.ToArray();
        PcmKernels.AddWiden(acc, b);
        Assert.Equal(a.Zip(b, (x, y) => x + y), acc);

        var diff = new int[n];
        PcmKernels.Subtract(diff, acc, wide);
        Assert.Equal(b.Select(v => (int)v), diff);

        var sum = wide.ToArray();
        PcmKernels.Add(sum, diff);
        Assert.Equal(acc, sum);

        var scaled = new int[n];
        PcmKernels.WidenScaled(scaled, a, 0.3f);
        Assert.Equal(a.Select(v => (int)(v * 0.3f)), scaled);

        var addScaled = wide.ToArray();
        PcmKernels.AddScaled(addScaled, wide, -1f);
        Assert.All(addScaled, v => Assert.Equal(0, v));

        Assert.Equal(a.Sum(v => (long)v * v), PcmKernels.SumOfSquares(a));
        Assert.Equal(n == 0 ? 0 : acc.Max(v => Math.Abs(v)), PcmKernels.PeakAbs(acc));

        var big = acc.Select(v => v * 3).ToArray();
        var narrow = new short[n];
        PcmKernels.SaturateNarrow(big, narrow);
        Assert.Equal(big.Select(v => (short)Math.Clamp(v, short.MinValue, short.MaxValue)), narrow);

        var narrow2 = new short[n];
        Assert.Equal(n == 0 ? 0 : big.Max(v => Math.Abs(v)), PcmKernels.SaturateNarrowWithPeak(big, narrow2));
        Assert.Equal(narrow, narrow2);

        var contribution = new int[n];
        var total = b.Select(v => (int)v).ToArray();
        PcmKernels.WidenAndAccumulate(contribution, total, a);
        Assert.Equal(wide, contribution);
        Assert.Equal(acc, total);
    }

    [Fact]
    public void Peak_of_int_min_does_not_overflow()
    {
        var x = new int[320];
        x[100] = int.MinValue;
        Assert.Equal(int.MaxValue, PcmKernels.PeakAbs(x));
        var y = new int[5];
        y[4] = int.MinValue;
        Assert.Equal(int.MaxValue, PcmKernels.PeakAbs(y));
        var o = new short[320];
        Assert.Equal(int.MaxValue, PcmKernels.SaturateNarrowWithPeak(x, o));
        Assert.Equal(short.MinValue, o[100]);
    }
}
