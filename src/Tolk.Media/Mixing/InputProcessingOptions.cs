namespace Tolk.Media.Mixing;

/// <summary>
/// Optional per-participant input clean-up by the speexdsp preprocessor (noise suppression, AGC),
/// applied on a mixer worker before talk detection, taps and mixing.
/// </summary>
/// <remarks>
/// Costs several microseconds per participant per tick (an FFT per frame), an order of magnitude more
/// than mixing: enable it for lines that need it (noisy mobiles, quiet trunks).
/// </remarks>
public sealed record InputProcessingOptions
{
    /// <summary>Suppress stationary background noise.</summary>
    public bool NoiseSuppression { get; init; } = true;

    /// <summary>Maximum noise attenuation in dB (negative; speexdsp's default is −15).</summary>
    public int NoiseSuppressionDb { get; init; } = -25;

    /// <summary>Automatic gain control towards <see cref="AgcLevel"/>.</summary>
    public bool AutomaticGainControl { get; init; }

    /// <summary>AGC target level (speexdsp units, a 16-bit amplitude; 8000 ≈ −12 dBFS).</summary>
    public float AgcLevel { get; init; } = 8000f;

    /// <summary>Largest gain the AGC may apply, in dB.</summary>
    public int AgcMaxGainDb { get; init; } = 20;
}
