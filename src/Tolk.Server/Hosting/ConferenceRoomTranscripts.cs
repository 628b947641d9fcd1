using Tolk.Api.Live;
using Tolk.Conferencing.Translation;

namespace Tolk.Server.Hosting;

/// <summary>Room transcripts for the API, read from the live translation of the conference rooms.</summary>
public sealed class ConferenceRoomTranscripts(ConferenceTranslation translation) : IRoomTranscripts
{
    public IReadOnlyList<RoomTranscriptLine> Get(Guid tenantId, Guid roomId) =>
        translation.GetTranscript(tenantId, roomId)
            .Select(t => new RoomTranscriptLine(t.Timestamp, t.SpeakerId, t.Language, t.Text, t.Translations, t.Emotion?.Label.ToString(), t.Emotion?.Confidence, t.SpeechStart, t.SpeechEnd))
            .ToList();
}
