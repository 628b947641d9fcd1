using Tolk.Api.Live;
using Tolk.Conferencing.Events;
using Tolk.Speech;

namespace Tolk.Server.Hosting;

/// <summary>
/// The host's <see cref="IRoomEventSink"/>: turns the conference's room events into the API's live feed,
/// stored transcripts and webhooks through <see cref="RoomActivityPublisher"/>. Called from media and speech
/// threads; it only maps and queues (the publisher never blocks and never throws).
/// </summary>
public sealed class RoomEventFanOut(RoomActivityPublisher publisher) : IRoomEventSink
{
    /// <inheritdoc />
    public void Publish(RoomEvent roomEvent)
    {
        var (tenant, room, at, participant) = (roomEvent.TenantId, roomEvent.RoomId, roomEvent.Timestamp, roomEvent.ParticipantId);
        switch (roomEvent)
        {
            case RoomParticipantEvent e:
                publisher.Participant(tenant, room, at, new LiveParticipant(participant, e.Language, e.Joined));
                break;
            case RoomInterimEvent e:
                publisher.Interim(tenant, room, at, new LiveInterim(participant, e.Language, e.Text));
                break;
            case RoomTranscriptEvent e:
                var entry = e.Entry;
                publisher.Transcript(tenant, room, at, new LiveTranscript(participant, entry.Language, entry.Text, entry.Translations,
                    ToDto(entry.Emotion), entry.SpeechStart, entry.SpeechEnd));
                break;
            case RoomEmotionAlertEvent e:
                publisher.EmotionAlert(tenant, room, at, new LiveEmotionAlert(participant, Label(e.Label), e.Score, e.Threshold, ToDto(e.Emotion)!, e.Text));
                break;
            case RoomTranslationStateEvent e:
                publisher.TranslationState(tenant, room, at, new LiveTranslationState(participant, e.TargetLanguage, e.Available, e.Reason));
                break;
        }
    }

    private static string Label(EmotionLabel label) => label.ToString().ToLowerInvariant();

    private static EmotionDto? ToDto(EmotionResult? emotion) =>
        emotion is null ? null : new EmotionDto(Label(emotion.Label), emotion.Valence, emotion.Arousal, emotion.Confidence);
}
