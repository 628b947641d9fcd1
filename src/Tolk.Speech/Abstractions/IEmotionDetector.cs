namespace Tolk.Speech;

/// <summary>Emotion labels the detectors report.</summary>
public enum EmotionLabel
{
    /// <summary>No marked emotion.</summary>
    Neutral,
    /// <summary>Positive valence, high arousal.</summary>
    Happy,
    /// <summary>Negative valence, high arousal.</summary>
    Angry,
    /// <summary>Negative valence, low arousal.</summary>
    Sad,
    /// <summary>Negative valence, high arousal, high pitch.</summary>
    Fearful,
    /// <summary>Positive valence, low arousal.</summary>
    Calm,
}

/// <summary>An emotion estimate. <see cref="Confidence"/> is deliberately modest for prosody-only estimates.</summary>
/// <param name="Label">Most likely label.</param>
/// <param name="Valence">-1 (negative) .. +1 (positive).</param>
/// <param name="Arousal">-1 (calm, low energy) .. +1 (excited, high energy).</param>
/// <param name="Confidence">0..1, how much the label should be trusted.</param>
/// <param name="Scores">Score per label (sums to 1).</param>
public sealed record EmotionResult(
    EmotionLabel Label,
    double Valence,
    double Arousal,
    double Confidence,
    IReadOnlyDictionary<EmotionLabel, double> Scores);

/// <summary>Estimates emotion from an utterance's audio and, optionally, its text.</summary>
public interface IEmotionDetector
{
    /// <summary>Provider name used in usage records and logs.</summary>
    string Name { get; }

    /// <summary>Estimates the emotion of one utterance (16-bit mono PCM at <paramref name="sampleRate"/>).</summary>
    ValueTask<EmotionResult> DetectAsync(ReadOnlyMemory<short> audio, int sampleRate, string? text, SpeechContext context, CancellationToken cancellationToken = default);
}
