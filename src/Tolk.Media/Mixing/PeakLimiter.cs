using System.Numerics;

namespace Tolk.Media.Mixing;

/// <summary>
/// Look-ahead-free peak limiter from 32-bit mix accumulators to 16-bit PCM.
/// </summary>
/// <remarks>
/// <para>
/// Transparent below full scale: while the limiter is at rest (gain 1) and a frame's peak does not
/// exceed 32767, the output is the exact accumulator value (the sum of the others). A memoryless soft
/// knee below full scale would break that exactness, so gain reduction engages only when a frame would
/// overflow: the gain falls to <c>32767 / peak</c> within the first millisecond of that frame (we hold
/// the whole 20 ms frame already, so this needs no extra delay) and then recovers at
/// <see cref="ReleaseDbPerFrame"/> per frame. A final saturating narrow guarantees that nothing ever
/// wraps around, whatever the input.
/// </para>
/// <para>The state is one float per mix (1 = at rest), kept by the owner of the mix.</para>
/// </remarks>
internal static class PeakLimiter
{
    public const int FullScale = short.MaxValue;

    /// <summary>Recovery speed after an overload (0.5 dB per 20 ms frame = 25 dB/s).</summary>
    public const float ReleaseDbPerFrame = 0.5f;

    /// <summary>Samples over which an attack ramps down to the required gain (1 ms at 16 kHz).</summary>
    private const int AttackSamples = 16;

    private static readonly float ReleaseFactor = MathF.Pow(10f, ReleaseDbPerFrame / 20f);

    /// <summary>Limits <paramref name="mix"/> into <paramref name="output"/>; returns the input peak.</summary>
    public static int Process(ReadOnlySpan<int> mix, Span<short> output, ref float gain)
    {
        int peak;
        if (gain >= 1f)
        {
            // At rest: narrow and measure in one pass; without overload that output is the exact sum.
            peak = PcmKernels.SaturateNarrowWithPeak(mix, output);
            if (peak <= FullScale)
            {
                return peak;
            }
        }
        else
        {
            peak = PcmKernels.PeakAbs(mix);
        }

        float required = peak > FullScale ? FullScale / (float)peak : 1f;
        float start = gain;
        float end;
        int rampLength;
        if (required < start)
        {
            end = required;
            rampLength = AttackSamples;
        }
        else
        {
            end = MathF.Min(required, start * ReleaseFactor);
            if (end >= 0.9999f)
            {
                end = 1f;
            }
            rampLength = mix.Length;
        }

        ApplyGainRamp(mix, output, start, end, (end - start) / rampLength);
        gain = end;
        return peak;
    }

    /// <summary>
    /// output[i] = saturate(round(mix[i] · g(i))) with g(i) = start + step·(i + 1), held at
    /// <paramref name="end"/> once reached (a linear attack or release ramp).
    /// </summary>
    private static void ApplyGainRamp(ReadOnlySpan<int> mix, Span<short> output, float start, float end, float step)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<int>.Count;
            Span<float> laneIndex = stackalloc float[Vector<float>.Count];
            for (int l = 0; l < laneIndex.Length; l++)
            {
                laneIndex[l] = l + 1;
            }
            var offsets = new Vector<float>(laneIndex);
            var vStart = new Vector<float>(start);
            var vStep = new Vector<float>(step);
            var vEnd = new Vector<float>(end);
            var hi = new Vector<float>(short.MaxValue);
            var lo = new Vector<float>(short.MinValue);
            bool falling = step < 0;
            for (; i <= mix.Length - (2 * lanes); i += 2 * lanes)
            {
                var a = Scale(mix.Slice(i), i);
                var b = Scale(mix.Slice(i + lanes), i + lanes);
                Vector.Narrow(a, b).CopyTo(output.Slice(i));
            }

            Vector<int> Scale(ReadOnlySpan<int> x, int index)
            {
                var ramp = vStart + (vStep * (offsets + new Vector<float>(index)));
                var g = falling ? Vector.Max(ramp, vEnd) : Vector.Min(ramp, vEnd);
                var y = Vector.Round(Vector.ConvertToSingle(new Vector<int>(x)) * g);
                return Vector.ConvertToInt32(Vector.Min(Vector.Max(y, lo), hi));
            }
        }
        for (; i < mix.Length; i++)
        {
            float ramp = start + (step * (i + 1));
            float g = step < 0 ? MathF.Max(ramp, end) : MathF.Min(ramp, end);
            float y = MathF.Round(mix[i] * g);
            output[i] = (short)Math.Clamp(y, short.MinValue, short.MaxValue);
        }
    }
}
