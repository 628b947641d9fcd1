namespace Tolk.Speech;

/// <summary>Frame-level voice activity detection. Not thread-safe: one instance per audio stream.</summary>
public interface IVoiceActivityDetector
{
    /// <summary>Samples per frame the detector expects (16 kHz).</summary>
    int FrameSamples { get; }

    /// <summary>Returns the probability (0..1) that <paramref name="frame"/> contains speech.</summary>
    float Process(ReadOnlySpan<short> frame);

    /// <summary>Forgets all state (new stream).</summary>
    void Reset();
}
