using Microsoft.Extensions.Logging;
using Tolk.Api.Transcripts;
using Tolk.Api.Webhooks;
using Tolk.Data.Entities;

namespace Tolk.Api.Live;

/// <summary>
/// The entry point for what happens in rooms and calls: each method feeds the live feed
/// (<see cref="RoomFeedHub"/>), the transcript store (<see cref="TranscriptWriter"/>) and the webhooks
/// (<see cref="WebhookDispatcher"/>) as the event calls for. Safe to call from media and speech threads:
/// it only queues work, never blocks and never throws.
/// </summary>
public sealed partial class RoomActivityPublisher(RoomFeedHub hub, TranscriptWriter transcripts, WebhookDispatcher webhooks, ILogger<RoomActivityPublisher> logger)
{
    /// <summary>A caller joined or left a room.</summary>
    public void Participant(Guid tenantId, Guid roomId, DateTimeOffset timestamp, LiveParticipant data) =>
        Guard(LiveEventTypes.Participant, () => hub.Publish(tenantId, roomId, LiveEventTypes.Participant, data, timestamp));

    /// <summary>A partial hypothesis (live feed only).</summary>
    public void Interim(Guid tenantId, Guid roomId, DateTimeOffset timestamp, LiveInterim data) =>
        Guard(LiveEventTypes.Interim, () => hub.Publish(tenantId, roomId, LiveEventTypes.Interim, data, timestamp));

    /// <summary>A final utterance: live feed, stored transcript and <c>transcript.final</c> webhooks.</summary>
    public void Transcript(Guid tenantId, Guid roomId, DateTimeOffset timestamp, LiveTranscript data) =>
        Guard(LiveEventTypes.Transcript, () =>
        {
            hub.Publish(tenantId, roomId, LiveEventTypes.Transcript, data, timestamp);
            transcripts.TryEnqueue(new TranscriptUtterance
            {
                TenantId = tenantId,
                RoomId = roomId,
                ParticipantId = Clip(data.ParticipantId, Tolk.Data.Limits.Short),
                Language = Clip(data.Language, Tolk.Data.Limits.Short),
                Text = data.Text,
                Translations = new Dictionary<string, string>(data.Translations, StringComparer.Ordinal),
                Emotion = data.Emotion?.Label,
                EmotionValence = data.Emotion?.Valence,
                EmotionArousal = data.Emotion?.Arousal,
                EmotionConfidence = data.Emotion?.Confidence,
                SpeechStartUtc = data.SpeechStart.UtcDateTime,
                SpeechEndUtc = data.SpeechEnd.UtcDateTime,
                TimestampUtc = timestamp.UtcDateTime,
            });
            webhooks.TryEnqueue(tenantId, WebhookEventTypes.TranscriptFinal, new { roomId, transcript = data }, timestamp);
        });

    /// <summary>An emotion alert: live feed and <c>emotion.alert</c> webhooks.</summary>
    public void EmotionAlert(Guid tenantId, Guid roomId, DateTimeOffset timestamp, LiveEmotionAlert data) =>
        Guard(LiveEventTypes.EmotionAlert, () =>
        {
            hub.Publish(tenantId, roomId, LiveEventTypes.EmotionAlert, data, timestamp);
            webhooks.TryEnqueue(tenantId, WebhookEventTypes.EmotionAlert, new { roomId, alert = data }, timestamp);
        });

    /// <summary>Translation became unavailable or recovered: live feed and <c>translation.*</c> webhooks.</summary>
    public void TranslationState(Guid tenantId, Guid roomId, DateTimeOffset timestamp, LiveTranslationState data) =>
        Guard(LiveEventTypes.TranslationState, () =>
        {
            hub.Publish(tenantId, roomId, LiveEventTypes.TranslationState, data, timestamp);
            var type = data.Available ? WebhookEventTypes.TranslationRecovered : WebhookEventTypes.TranslationUnavailable;
            webhooks.TryEnqueue(tenantId, type, new { roomId, state = data }, timestamp);
        });

    /// <summary>A call started or ended (<see cref="WebhookEventTypes.CallStarted"/>/<see cref="WebhookEventTypes.CallEnded"/>): webhooks only.</summary>
    public void Call(Guid tenantId, string type, object data, DateTimeOffset timestamp) =>
        Guard(type, () => webhooks.TryEnqueue(tenantId, type, data, timestamp));

    private void Guard(string type, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The callers are media and speech threads: an event is worth less than the call.
            LogPublishFailed(logger, ex, type);
        }
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(EventId = 4401, Level = LogLevel.Error, Message = "Publishing a {Type} room event failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string type);
}
