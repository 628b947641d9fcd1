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

        float step = (end - start) / rampLength;
        for (int i = 0; i < mix.Length; i++)
        {
            float g = i < rampLength ? start + (step * (i + 1)) : end;
            float y = mix[i] * g;
            // Round half away from zero, then saturate: the ramp's first samples may still exceed.
            y = y >= 0 ? y + 0.5f : y - 0.5f;
            output[i] = (short)Math.Clamp((int)Math.Clamp(y, int.MinValue, int.MaxValue), short.MinValue, short.MaxValue);
        }
        gain = end;
        return peak;
    }
}
