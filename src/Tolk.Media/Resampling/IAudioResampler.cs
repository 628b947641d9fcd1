namespace Tolk.Media.Resampling;

/// <summary>
/// A mono 16-bit sample-rate converter for one stream and direction. Stateful: it is fed contiguous audio
/// and carries its filter memory (and so its delay) from one call to the next. Not thread-safe.
/// Create one with <see cref="AudioResampler.Create"/>.
/// </summary>
public interface IAudioResampler : IDisposable
{
    /// <summary>Input rate in Hz.</summary>
    int InputRate { get; }

    /// <summary>Output rate in Hz.</summary>
    int OutputRate { get; }

    /// <summary>
    /// Converts <paramref name="input"/>, which continues the audio of the previous call, and returns the number
    /// of samples written to <paramref name="output"/>. 20 ms of input gives 20 ms at the output rate: the filter
    /// delay is carried in the state (the first call's output starts with that much silence), never dropped.
    /// Size <paramref name="output"/> for all of it (input length × output rate / input rate, rounded up).
    /// </summary>
    int Process(ReadOnlySpan<short> input, Span<short> output);

    /// <summary>Clears the filter memory (after a stream restart), as if newly created.</summary>
    void Reset();
}
