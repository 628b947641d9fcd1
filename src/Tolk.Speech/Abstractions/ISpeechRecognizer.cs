namespace Tolk.Speech;

/// <summary>Options for one recognition stream.</summary>
/// <param name="Language">BCP 47 language of the speaker.</param>
/// <param name="SampleRate">Sample rate of the pushed PCM (16-bit mono).</param>
/// <param name="HintPhrases">Phrases likely to be said (names, jargon); engines use them as they can.</param>
/// <param name="InterimResults">Whether interim hypotheses are wanted.</param>
/// <param name="NarrowbandSource">
/// True when the audio is known to be telephone band (a G.711 call): an engine with band-specific models can set up
/// at once instead of detecting the band from the first speech. False means unknown — a wideband codec may still carry
/// a telephone call.
/// </param>
public sealed record RecognitionOptions(
    string Language,
    int SampleRate = SpeechAudio.SampleRate,
    IReadOnlyList<string>? HintPhrases = null,
    bool InterimResults = true,
    bool NarrowbandSource = false);

/// <summary>A speech recogniser: opens streams that turn pushed audio into <see cref="SpeechEvent"/>s.</summary>
public interface ISpeechRecognizer
{
    /// <summary>Provider name used in usage records and logs.</summary>
    string Name { get; }

    /// <summary>What the engine supports.</summary>
    RecognizerCapabilities Capabilities { get; }

    /// <summary>Opens a stream. Throws <see cref="UnsupportedLanguageException"/> for a language it cannot recognise.</summary>
    ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default);
}

/// <summary>
/// One recognition session. Push audio; <see cref="FlushAsync"/> ends the current utterance (a final result
/// follows); <see cref="CompleteAsync"/> ends the stream (the event sequence then finishes).
/// </summary>
public interface IRecognitionStream : IAsyncDisposable
{
    /// <summary>Pushes 16-bit mono PCM at the stream's sample rate.</summary>
    ValueTask PushAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default);

    /// <summary>Ends the current utterance: a <see cref="FinalResultEvent"/> (if anything was heard) and a <see cref="SpeechEndedEvent"/> follow.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Flushes and ends the stream; the event sequence completes.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>The stream's events, in order. Read by one consumer.</summary>
    IAsyncEnumerable<SpeechEvent> ReadEventsAsync(CancellationToken cancellationToken = default);
}
