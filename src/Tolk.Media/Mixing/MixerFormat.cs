namespace Tolk.Media.Mixing;

/// <summary>
/// The mixer's internal audio format: 16 kHz mono signed 16-bit PCM in 20 ms frames of 320 samples.
/// Kept inside Mixing/ so the mixer does not depend on codec-side constants.
/// </summary>
internal static class MixerFormat
{
    public const int SampleRate = 16_000;
    public const int FrameMilliseconds = 20;
    public const int SamplesPerFrame = SampleRate * FrameMilliseconds / 1000; // 320
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(FrameMilliseconds);

    /// <summary>Largest gain accepted anywhere in the mixer (+18 dB).</summary>
    public const float MaxGain = 8f;

    public static float ValidateGain(float gain, string paramName)
    {
        if (!float.IsFinite(gain) || gain < 0f || gain > MaxGain)
        {
            throw new ArgumentOutOfRangeException(paramName, gain, $"Gain must be a finite value in [0, {MaxGain}].");
        }
        return gain;
    }
}
