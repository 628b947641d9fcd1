using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tolk.Media.Mixing;

/// <summary>
/// SIMD kernels for mixing: 16-bit PCM is widened to 32-bit accumulators so that sums of many
/// full-scale talkers never wrap; only the final limiter narrows back to 16 bits.
/// </summary>
internal static class PcmKernels
{
    /// <summary>acc[i] += x[i] (widening).</summary>
    public static void AddWiden(Span<int> acc, ReadOnlySpan<short> x)
    {
        Check(acc.Length, x.Length);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref short s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= x.Length - step; i += step)
            {
                Vector.Widen(Vector.LoadUnsafe(ref s, (nuint)i), out Vector<int> lo, out Vector<int> hi);
                (Vector.LoadUnsafe(ref a, (nuint)i) + lo).StoreUnsafe(ref a, (nuint)i);
                (Vector.LoadUnsafe(ref a, (nuint)(i + half)) + hi).StoreUnsafe(ref a, (nuint)(i + half));
            }
        }
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref a, i) += Unsafe.Add(ref s, i);
        }
    }

    /// <summary>dst[i] = x[i] (widening).</summary>
    public static void Widen(Span<int> dst, ReadOnlySpan<short> x)
    {
        Check(dst.Length, x.Length);
        ref int d = ref MemoryMarshal.GetReference(dst);
        ref short s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= x.Length - step; i += step)
            {
                Vector.Widen(Vector.LoadUnsafe(ref s, (nuint)i), out Vector<int> lo, out Vector<int> hi);
                lo.StoreUnsafe(ref d, (nuint)i);
                hi.StoreUnsafe(ref d, (nuint)(i + half));
            }
        }
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
        }
    }

    /// <summary>dst[i] = x[i] (widening) and acc[i] += x[i], in one pass.</summary>
    public static void WidenAndAccumulate(Span<int> dst, Span<int> acc, ReadOnlySpan<short> x)
    {
        Check(dst.Length, x.Length);
        Check(acc.Length, x.Length);
        ref int d = ref MemoryMarshal.GetReference(dst);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref short s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<short>.Count;
            int half = Vector<int>.Count;
            for (; i <= x.Length - step; i += step)
            {
                Vector.Widen(Vector.LoadUnsafe(ref s, (nuint)i), out Vector<int> lo, out Vector<int> hi);
                lo.StoreUnsafe(ref d, (nuint)i);
                hi.StoreUnsafe(ref d, (nuint)(i + half));
                (Vector.LoadUnsafe(ref a, (nuint)i) + lo).StoreUnsafe(ref a, (nuint)i);
                (Vector.LoadUnsafe(ref a, (nuint)(i + half)) + hi).StoreUnsafe(ref a, (nuint)(i + half));
            }
        }
        for (; i < x.Length; i++)
        {
            int v = Unsafe.Add(ref s, i);
            Unsafe.Add(ref d, i) = v;
            Unsafe.Add(ref a, i) += v;
        }
    }

    /// <summary>dst[i] = x[i] · gain, truncated toward zero (error &lt; 1 LSB).</summary>
    public static void WidenScaled(Span<int> dst, ReadOnlySpan<short> x, float gain)
    {
        Widen(dst, x);
        Scale(dst, gain);
    }

    /// <summary>x[i] = x[i] · gain, truncated toward zero.</summary>
    public static void Scale(Span<int> x, float gain)
    {
        ref int d = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var g = new Vector<float>(gain);
            for (; i <= x.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                var f = Vector.ConvertToSingle(Vector.LoadUnsafe(ref d, (nuint)i)) * g;
                Vector.ConvertToInt32(f).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref d, i) = (int)(Unsafe.Add(ref d, i) * gain);
        }
    }

    /// <summary>acc[i] += x[i].</summary>
    public static void Add(Span<int> acc, ReadOnlySpan<int> x)
    {
        Check(acc.Length, x.Length);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref int s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                (Vector.LoadUnsafe(ref a, (nuint)i) + Vector.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref a, i) += Unsafe.Add(ref s, i);
        }
    }

    /// <summary>dst[i] = a[i] − b[i].</summary>
    public static void Subtract(Span<int> dst, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        Check(dst.Length, a.Length);
        Check(dst.Length, b.Length);
        ref int d = ref MemoryMarshal.GetReference(dst);
        ref int ra = ref MemoryMarshal.GetReference(a);
        ref int rb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= dst.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                (Vector.LoadUnsafe(ref ra, (nuint)i) - Vector.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < dst.Length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref ra, i) - Unsafe.Add(ref rb, i);
        }
    }

    /// <summary>acc[i] += x[i] · gain (float multiply, truncated toward zero).</summary>
    public static void AddScaled(Span<int> acc, ReadOnlySpan<int> x, float gain)
    {
        Check(acc.Length, x.Length);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref int s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var g = new Vector<float>(gain);
            for (; i <= x.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                var scaled = Vector.ConvertToInt32(Vector.ConvertToSingle(Vector.LoadUnsafe(ref s, (nuint)i)) * g);
                (Vector.LoadUnsafe(ref a, (nuint)i) + scaled).StoreUnsafe(ref a, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref a, i) += (int)(Unsafe.Add(ref s, i) * gain);
        }
    }

    /// <summary>Largest |x[i]| (saturating at int.MaxValue for int.MinValue).</summary>
    public static int PeakAbs(ReadOnlySpan<int> x)
    {
        ref int s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        int peak = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<int>.Count)
        {
            var max = Vector<int>.Zero;
            var min = Vector<int>.Zero;
            for (; i <= x.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                var v = Vector.LoadUnsafe(ref s, (nuint)i);
                max = Vector.Max(max, v);
                min = Vector.Min(min, v);
            }
            for (int j = 0; j < Vector<int>.Count; j++)
            {
                peak = Math.Max(peak, max[j]);
                peak = Math.Max(peak, min[j] == int.MinValue ? int.MaxValue : -min[j]);
            }
        }
        for (; i < x.Length; i++)
        {
            int v = Unsafe.Add(ref s, i);
            peak = Math.Max(peak, v == int.MinValue ? int.MaxValue : Math.Abs(v));
        }
        return peak;
    }

    /// <summary>dst[i] = clamp(x[i], −32768, 32767): never wraps.</summary>
    public static void SaturateNarrow(ReadOnlySpan<int> x, Span<short> dst)
    {
        Check(dst.Length, x.Length);
        ref int s = ref MemoryMarshal.GetReference(x);
        ref short d = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var hiLimit = new Vector<int>(short.MaxValue);
            var loLimit = new Vector<int>(short.MinValue);
            int half = Vector<int>.Count;
            for (; i <= x.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                var lo = Vector.Min(Vector.Max(Vector.LoadUnsafe(ref s, (nuint)i), loLimit), hiLimit);
                var hi = Vector.Min(Vector.Max(Vector.LoadUnsafe(ref s, (nuint)(i + half)), loLimit), hiLimit);
                Vector.Narrow(lo, hi).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref d, i) = (short)Math.Clamp(Unsafe.Add(ref s, i), short.MinValue, short.MaxValue);
        }
    }

    /// <summary>
    /// dst[i] = clamp(x[i]) and returns max |x[i]| in the same pass (the limiter's fast path: when the
    /// peak is within full scale the narrowed output is already exact).
    /// </summary>
    public static int SaturateNarrowWithPeak(ReadOnlySpan<int> x, Span<short> dst)
    {
        Check(dst.Length, x.Length);
        ref int s = ref MemoryMarshal.GetReference(x);
        ref short d = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        int peak = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<short>.Count)
        {
            var hiLimit = new Vector<int>(short.MaxValue);
            var loLimit = new Vector<int>(short.MinValue);
            var max = Vector<int>.Zero;
            var min = Vector<int>.Zero;
            int half = Vector<int>.Count;
            for (; i <= x.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                var a = Vector.LoadUnsafe(ref s, (nuint)i);
                var b = Vector.LoadUnsafe(ref s, (nuint)(i + half));
                max = Vector.Max(max, Vector.Max(a, b));
                min = Vector.Min(min, Vector.Min(a, b));
                Vector.Narrow(Vector.Min(Vector.Max(a, loLimit), hiLimit), Vector.Min(Vector.Max(b, loLimit), hiLimit)).StoreUnsafe(ref d, (nuint)i);
            }
            for (int j = 0; j < Vector<int>.Count; j++)
            {
                peak = Math.Max(peak, max[j]);
                peak = Math.Max(peak, min[j] == int.MinValue ? int.MaxValue : -min[j]);
            }
        }
        for (; i < x.Length; i++)
        {
            int v = Unsafe.Add(ref s, i);
            peak = Math.Max(peak, v == int.MinValue ? int.MaxValue : Math.Abs(v));
            Unsafe.Add(ref d, i) = (short)Math.Clamp(v, short.MinValue, short.MaxValue);
        }
        return peak;
    }

    /// <summary>Σ x[i]² in 64 bits (frame energy for talk detection).</summary>
    public static long SumOfSquares(ReadOnlySpan<short> x)
    {
        ref short s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        long sum = 0;
        if (Avx2.IsSupported && x.Length >= Vector256<short>.Count)
        {
            // vpmaddwd: a0² + a1² per int lane. At most 2·32768² = 2^31, which fits when read as
            // unsigned; widen to 64 bits before accumulating.
            var acc = Vector256<ulong>.Zero;
            for (; i <= x.Length - Vector256<short>.Count; i += Vector256<short>.Count)
            {
                var v = Vector256.LoadUnsafe(ref s, (nuint)i);
                var (lo, hi) = Vector256.Widen(Avx2.MultiplyAddAdjacent(v, v).AsUInt32());
                acc += lo + hi;
            }
            sum = (long)Vector256.Sum(acc);
        }
        else if (Vector.IsHardwareAccelerated && x.Length >= Vector<short>.Count)
        {
            var acc = Vector<long>.Zero;
            for (; i <= x.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref s, (nuint)i), out Vector<int> lo, out Vector<int> hi);
                // 32767² fits in int32; widen the squares before summing.
                Vector.Widen(lo * lo, out Vector<long> a, out Vector<long> b);
                Vector.Widen(hi * hi, out Vector<long> c, out Vector<long> d);
                acc += a + b + c + d;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            int v = Unsafe.Add(ref s, i);
            sum += v * v;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException("Frame lengths differ.");
        }
    }
}
