namespace Tolk.Speech;

/// <summary>An event read from a recognition stream.</summary>
/// <param name="Offset">Position in the stream's audio (time since the stream started).</param>
public abstract record SpeechEvent(TimeSpan Offset);

/// <summary>The recogniser heard the start of speech.</summary>
public sealed record SpeechStartedEvent(TimeSpan Offset) : SpeechEvent(Offset);

/// <summary>A partial hypothesis that may still change.</summary>
public sealed record InterimResultEvent(TimeSpan Offset, string Text) : SpeechEvent(Offset);

/// <summary>A recognised word with its timing inside the stream.</summary>
public sealed record RecognizedWord(string Text, TimeSpan Start, TimeSpan End, double Confidence);

/// <summary>A final hypothesis for one utterance.</summary>
public sealed record FinalResultEvent(
    TimeSpan Offset,
    string Text,
    string Language,
    IReadOnlyList<RecognizedWord> Words,
    double Confidence,
    TimeSpan UtteranceStart,
    TimeSpan UtteranceEnd) : SpeechEvent(Offset);

/// <summary>The recogniser closed the utterance.</summary>
public sealed record SpeechEndedEvent(TimeSpan Offset) : SpeechEvent(Offset);

/// <summary>Metered usage of the utterance just recognised.</summary>
public sealed record UsageEvent(TimeSpan Offset, SpeechUsage Usage) : SpeechEvent(Offset);
