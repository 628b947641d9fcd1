namespace Tolk.Api.Live;

/// <summary>One final utterance of a room, with its translations (language → text).</summary>
public sealed record RoomTranscriptLine(
    DateTimeOffset Timestamp,
    string SpeakerId,
    string Language,
    string Text,
    IReadOnlyDictionary<string, string> Translations,
    string? Emotion,
    double? EmotionConfidence,
    DateTimeOffset SpeechStart,
    DateTimeOffset SpeechEnd);

/// <summary>Implemented by the conferencing host: the live transcript of a room (kept in memory).</summary>
public interface IRoomTranscripts
{
    /// <summary>The room's transcript, oldest first (empty when nothing was said or translation is off).</summary>
    IReadOnlyList<RoomTranscriptLine> Get(Guid tenantId, Guid roomId);
}

/// <summary>The default when no conferencing host is wired: no transcripts.</summary>
public sealed class EmptyRoomTranscripts : IRoomTranscripts
{
    /// <inheritdoc />
    public IReadOnlyList<RoomTranscriptLine> Get(Guid tenantId, Guid roomId) => [];
}
