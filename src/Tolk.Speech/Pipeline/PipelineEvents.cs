namespace Tolk.Speech.Pipeline;

/// <summary>An event of a <see cref="TranslationPipeline"/>.</summary>
/// <param name="Timestamp">When it was produced.</param>
public abstract record PipelineEvent(DateTimeOffset Timestamp);

/// <summary>Translated speech for the listeners of <paramref name="TargetLanguage"/>, yielded as synthesised.</summary>
/// <remarks><c>Samples</c> is 16 kHz mono PCM; <c>IsFirst</c> marks the phrase's first chunk for this target.</remarks>
public sealed record TranslatedAudio(DateTimeOffset Timestamp, string TargetLanguage, long PhraseId, short[] Samples, int SampleRate, bool IsFirst) : PipelineEvent(Timestamp)
{
    /// <summary>Duration of the chunk.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}

/// <summary>A phrase finished for a target: all its audio has been emitted.</summary>
public sealed record TranslatedPhraseCompleted(DateTimeOffset Timestamp, string TargetLanguage, long PhraseId) : PipelineEvent(Timestamp);

/// <summary>A final utterance with its translations and emotion estimate.</summary>
public sealed record TranscriptEntry(
    DateTimeOffset Timestamp,
    long PhraseId,
    string SpeakerId,
    string Language,
    string Text,
    IReadOnlyDictionary<string, string> Translations,
    EmotionResult? Emotion,
    DateTimeOffset SpeechStart,
    DateTimeOffset SpeechEnd,
    IReadOnlyList<RecognizedWord> Words,
    double Confidence) : PipelineEvent(Timestamp);

/// <summary>A partial hypothesis of the phrase in progress (for live captions).</summary>
public sealed record InterimTranscript(DateTimeOffset Timestamp, string Language, string Text) : PipelineEvent(Timestamp);

/// <summary>Translation into <paramref name="TargetLanguage"/> failed for a phrase (or is not possible at all when PhraseId is null); listeners should hear the original.</summary>
public sealed record TranslationUnavailable(DateTimeOffset Timestamp, string TargetLanguage, long? PhraseId, string Reason) : PipelineEvent(Timestamp);

/// <summary>Translation of a target works again after being unavailable.</summary>
public sealed record TranslationRecovered(DateTimeOffset Timestamp, string TargetLanguage) : PipelineEvent(Timestamp);

/// <summary>The speaker's language cannot be recognised: the pipeline emits nothing else and the original should pass through.</summary>
public sealed record RecognitionUnavailable(DateTimeOffset Timestamp, string Language, string Reason, bool NotConfigured = false) : PipelineEvent(Timestamp);

/// <summary>Pipeline stages whose latency is measured.</summary>
public enum PipelineStage
{
    /// <summary>
    /// End of sound → endpoint decision: the phrase's measured trailing quiet (<see cref="Audio.AudioMath.TrailingQuiet"/>),
    /// never less than the silence the endpointer waits for after the VAD's end of speech.
    /// </summary>
    Endpointing,
    /// <summary>Endpoint decision → final recognition result.</summary>
    Recognition,
    /// <summary>Machine translation of the phrase's first chunk.</summary>
    Translation,
    /// <summary>Synthesis request → first audio chunk.</summary>
    SynthesisFirstChunk,
    /// <summary>Endpoint decision → first translated audio emitted.</summary>
    FirstAudio,
}

/// <summary>A latency measurement.</summary>
public sealed record StageLatency(DateTimeOffset Timestamp, long PhraseId, PipelineStage Stage, string? TargetLanguage, TimeSpan Duration) : PipelineEvent(Timestamp);
