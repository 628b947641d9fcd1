using System.Diagnostics.Metrics;

namespace Tolk.Api.Infrastructure;

/// <summary>
/// The API's instruments (meter <c>Tolk.Api</c>): what the transcript writer, the live feed and the webhook
/// dispatcher did, and above all what they had to drop.
/// </summary>
public sealed class ApiMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Tolk.Api";

    private readonly Counter<long> _transcriptsWritten;
    private readonly Counter<long> _transcriptsDropped;
    private readonly Counter<long> _transcriptsFailed;
    private readonly UpDownCounter<long> _liveSubscribers;
    private readonly Counter<long> _liveDropped;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _webhookDropped;
    private readonly Counter<long> _webhookLost;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public ApiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _transcriptsWritten = meter.CreateCounter<long>("tolk.transcripts.written", "{utterance}", "Utterances stored.");
        _transcriptsDropped = meter.CreateCounter<long>("tolk.transcripts.dropped", "{utterance}", "Utterances dropped because the write queue was full.");
        _transcriptsFailed = meter.CreateCounter<long>("tolk.transcripts.failed", "{utterance}", "Utterances the database refused.");
        _liveSubscribers = meter.CreateUpDownCounter<long>("tolk.live.subscribers", "{subscriber}", "Open live-feed connections.");
        _liveDropped = meter.CreateCounter<long>("tolk.live.dropped", "{event}", "Events skipped for live subscribers that were too slow.");
        _webhookAttempts = meter.CreateCounter<long>("tolk.webhooks.attempts", "{attempt}", "Webhook delivery attempts by outcome.");
        _webhookDropped = meter.CreateCounter<long>("tolk.webhooks.dropped", "{event}", "Events dropped because the webhook queue was full.");
        _webhookLost = meter.CreateCounter<long>("tolk.webhooks.lost", "{event}", "Accepted events lost because their delivery rows could not be stored.");
    }

    internal void TranscriptsWritten(int count) => _transcriptsWritten.Add(count);

    internal void TranscriptDropped() => _transcriptsDropped.Add(1);

    internal void TranscriptsFailed(int count) => _transcriptsFailed.Add(count);

    internal void LiveSubscriber(int delta) => _liveSubscribers.Add(delta);

    internal void LiveDropped(long count) => _liveDropped.Add(count);

    internal void WebhookAttempt(string outcome) => _webhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal void WebhookDropped() => _webhookDropped.Add(1);

    internal void WebhookLost(int count) => _webhookLost.Add(count);
}
