namespace Tolk.Data.Entities;

/// <summary>
/// One final utterance of a conference room, as recognised and translated: appended by the transcript
/// writer, never edited. Tenant-owned, so the global query filter scopes every read.
/// </summary>
public sealed class TranscriptUtterance : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid RoomId { get; set; }
    /// <summary>The speaker's call (mixer participant id, the call id in "N" format).</summary>
    public required string ParticipantId { get; set; }
    /// <summary>BCP 47 language the speaker spoke.</summary>
    public required string Language { get; set; }
    public required string Text { get; set; }
    /// <summary>Target language → translated text.</summary>
    public Dictionary<string, string> Translations { get; set; } = [];
    /// <summary>Emotion label (neutral, happy, angry, sad, fearful, calm), when estimated.</summary>
    public string? Emotion { get; set; }
    public double? EmotionValence { get; set; }
    public double? EmotionArousal { get; set; }
    /// <summary>Confidence of the estimate (prosody-based; capped well below certainty).</summary>
    public double? EmotionConfidence { get; set; }
    public DateTime SpeechStartUtc { get; set; }
    public DateTime SpeechEndUtc { get; set; }
    /// <summary>When the utterance was final (the event's timestamp).</summary>
    public DateTime TimestampUtc { get; set; }
}

/// <summary>Outcome of a webhook delivery.</summary>
public enum WebhookDeliveryStatus
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>
/// One event sent (or being sent) to a webhook: the delivery log. Updated after every attempt, so the
/// newest row per webhook is its last status.
/// </summary>
public sealed class WebhookDelivery : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid WebhookId { get; set; }
    /// <summary>The event's id, also sent as the <c>Tolk-Delivery</c> header (receivers de-duplicate on it).</summary>
    public Guid EventId { get; set; }
    public required string Event { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    /// <summary>HTTP status of the last attempt, null when it got no response.</summary>
    public int? LastStatusCode { get; set; }
    /// <summary>Why the last attempt failed (never the secret or the body).</summary>
    public string? LastError { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? LastAttemptUtc { get; set; }
    public DateTime? DeliveredUtc { get; set; }
    /// <summary>
    /// The JSON body exactly as signed and sent, kept while the delivery is pending so one interrupted by a restart
    /// is sent again, identically, when the server is back. Cleared once the delivery is settled.
    /// </summary>
    public string? Payload { get; set; }
}

/// <summary>
/// The language a caller last chose from a room's DTMF menu, by the signed-in account or the caller's number, so
/// their next call starts in it.
/// </summary>
public sealed class CallerLanguage : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    /// <summary>Who: <c>user:</c> + the SIP account's username, or <c>tel:</c> + the caller's number.</summary>
    public required string CallerKey { get; set; }
    /// <summary>BCP 47 language chosen.</summary>
    public required string Language { get; set; }
    public DateTime UpdatedUtc { get; set; }
}
