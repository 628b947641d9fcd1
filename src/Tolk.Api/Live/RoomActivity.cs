namespace Tolk.Api.Live;

/// <summary>Emotion estimate of an utterance (prosody-based; the confidence is never certainty).</summary>
public sealed record EmotionDto(string Label, double Valence, double Arousal, double Confidence);

/// <summary>Live-feed data of a <c>participant</c> event: a caller joined or left.</summary>
public sealed record LiveParticipant(string ParticipantId, string Language, bool Joined);

/// <summary>Live-feed data of an <c>interim</c> event: a partial hypothesis (captions; never stored).</summary>
public sealed record LiveInterim(string ParticipantId, string Language, string Text);

/// <summary>Live-feed data of a <c>transcript</c> event: a final utterance with its translations.</summary>
public sealed record LiveTranscript(
    string ParticipantId,
    string Language,
    string Text,
    IReadOnlyDictionary<string, string> Translations,
    EmotionDto? Emotion,
    DateTimeOffset SpeechStart,
    DateTimeOffset SpeechEnd);

/// <summary>Live-feed data of an <c>emotion-alert</c> event: an utterance crossed the room's threshold.</summary>
public sealed record LiveEmotionAlert(string ParticipantId, string Label, double Score, double Threshold, EmotionDto Emotion, string? Text);

/// <summary>
/// Live-feed data of a <c>translation-state</c> event: translation of a speaker into
/// <see cref="TargetLanguage"/> (null: every target) became unavailable or recovered.
/// </summary>
public sealed record LiveTranslationState(string ParticipantId, string? TargetLanguage, bool Available, string? Reason);

/// <summary>Event type names of the live feed (SSE <c>event:</c> field and the JSON <c>type</c>).</summary>
public static class LiveEventTypes
{
    public const string Participant = "participant";
    public const string Interim = "interim";
    public const string Transcript = "transcript";
    public const string EmotionAlert = "emotion-alert";
    public const string TranslationState = "translation-state";
    /// <summary>Sent to one subscriber that was too slow: this many older events were skipped.</summary>
    public const string Dropped = "dropped";
}

/// <summary>Webhook event names.</summary>
public static class WebhookEventTypes
{
    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string TranscriptFinal = "transcript.final";
    public const string EmotionAlert = "emotion.alert";
    public const string TranslationUnavailable = "translation.unavailable";
    public const string TranslationRecovered = "translation.recovered";
}
