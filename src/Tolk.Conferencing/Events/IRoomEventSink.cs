using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Events;

/// <summary>
/// Something that happened in a conference room, for the live feed, persisted transcripts and webhooks.
/// <paramref name="ParticipantId"/> is the mixer participant id (the call id in "N" format).
/// </summary>
public abstract record RoomEvent(Guid TenantId, Guid RoomId, string RoomExtension, DateTimeOffset Timestamp, string ParticipantId);

/// <summary>A caller joined (<paramref name="Joined"/>) or left the room, speaking <paramref name="Language"/>.</summary>
public sealed record RoomParticipantEvent(Guid TenantId, Guid RoomId, string RoomExtension, DateTimeOffset Timestamp, string ParticipantId, string Language, bool Joined)
    : RoomEvent(TenantId, RoomId, RoomExtension, Timestamp, ParticipantId);

/// <summary>A final utterance with its translations and emotion estimate.</summary>
public sealed record RoomTranscriptEvent(Guid TenantId, Guid RoomId, string RoomExtension, DateTimeOffset Timestamp, string ParticipantId, TranscriptEntry Entry)
    : RoomEvent(TenantId, RoomId, RoomExtension, Timestamp, ParticipantId);

/// <summary>A partial hypothesis of the phrase in progress (live captions; never persisted).</summary>
public sealed record RoomInterimEvent(Guid TenantId, Guid RoomId, string RoomExtension, DateTimeOffset Timestamp, string ParticipantId, string Language, string Text)
    : RoomEvent(TenantId, RoomId, RoomExtension, Timestamp, ParticipantId);

/// <summary>
/// An utterance's emotion crossed the room profile's alert threshold (for example anger ≥ 0.7).
/// <paramref name="Score"/> is the label's score; the estimate is prosody-based and never certain.
/// </summary>
public sealed record RoomEmotionAlertEvent(Guid TenantId, Guid RoomId, string RoomExtension, DateTimeOffset Timestamp, string ParticipantId, EmotionLabel Label, double Score, double Threshold, EmotionResult Emotion, string? Text)
    : RoomEvent(TenantId, RoomId, RoomExtension, Timestamp, ParticipantId);

/// <summary>
/// Translation of a speaker into <paramref name="TargetLanguage"/> (null: all targets, e.g. no recogniser for the
/// speaker's language) became unavailable or recovered; listeners then hear the original.
/// </summary>
public sealed record RoomTranslationStateEvent(Guid TenantId, Guid RoomId, string RoomExtension, DateTimeOffset Timestamp, string ParticipantId, string? TargetLanguage, bool Available, string? Reason)
    : RoomEvent(TenantId, RoomId, RoomExtension, Timestamp, ParticipantId);

/// <summary>
/// Receives room events. Called from media and speech threads: implementations must return quickly and
/// never throw (queue the work).
/// </summary>
public interface IRoomEventSink
{
    /// <summary>Publishes one event.</summary>
    void Publish(RoomEvent roomEvent);
}

/// <summary>The default sink: events are dropped.</summary>
public sealed class NullRoomEventSink : IRoomEventSink
{
    /// <summary>The shared instance.</summary>
    public static NullRoomEventSink Instance { get; } = new();

    /// <inheritdoc />
    public void Publish(RoomEvent roomEvent)
    {
    }
}
