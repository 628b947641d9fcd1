using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tolk.Api.Infrastructure;
using Tolk.Api.Live;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Api.Webhooks;

/// <summary>One event for the webhooks of a tenant.</summary>
public sealed record WebhookEvent(Guid Id, Guid TenantId, string Type, DateTimeOffset Timestamp, object Data);

/// <summary>
/// Sends events to the tenants' webhooks: a JSON POST signed with HMAC-SHA256 (<see cref="WebhookSignature"/>),
/// retried with exponential backoff on network errors, timeouts, 408, 429 and 5xx, every attempt recorded in
/// the delivery log. <see cref="TryEnqueue"/> never blocks; deliveries run concurrently (bounded), so one slow
/// receiver does not hold up the others. TLS certificates are verified (the platform default is never
/// overridden); redirects are not followed.
/// </summary>
/// <remarks>
/// Nothing accepted is lost on a normal shutdown: each delivery row is written with its body
/// (<see cref="WebhookDelivery.Payload"/>) before the first attempt, events still queued at shutdown get their rows
/// then (for up to <see cref="ShutdownGrace"/>), and on start the rows still pending are sent again — same event id,
/// same body, the attempt count and backoff continued. Each attempt is claimed on its row first
/// (<c>Attempts</c> n−1 → n while pending), so two hosts sharing a database never make the same attempt twice.
/// The body is cleared once the delivery is settled (delivered, or failed for good).
/// </remarks>
public sealed partial class WebhookDispatcher : BackgroundService
{
    /// <summary>How long rows are still written after shutdown begins (events in flight and still queued).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<WebhookEvent> _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly SecretProtector _secrets;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly ApiMetrics? _metrics;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly ConcurrentDictionary<Guid, (long Stamp, List<Webhook> Hooks)> _hooks = new();
    private readonly TenantDirectory? _directory;
    private long _dropped;
    private long _lost;
    private long _events;
    private volatile bool _closed;

    /// <summary>Creates the dispatcher.</summary>
    public WebhookDispatcher(IServiceScopeFactory scopes, SecretProtector secrets, WebhookOptions options, TimeProvider time, ILogger<WebhookDispatcher> logger,
        ApiMetrics? metrics = null, TenantDirectory? directory = null)
    {
        _directory = directory;
        _metrics = metrics;
        _scopes = scopes;
        _secrets = secrets;
        _options = options;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentDeliveries));
        _queue = Channel.CreateBounded<WebhookEvent>(new BoundedChannelOptions(Math.Max(1, options.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = OutboundNetworkPolicy.ConnectCallback(options.AllowPrivateNetworks),
        })
        {
            Timeout = TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)),
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Tolk-Webhooks", "1"));
    }

    /// <summary>Events dropped because the queue was full (or the dispatcher had already stopped).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events accepted but lost because their delivery rows could not be written (database error).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Queues an event for the tenant's subscribed webhooks. Never blocks; false when the queue is full.</summary>
    public bool TryEnqueue(Guid tenantId, string type, object data, DateTimeOffset timestamp)
    {
        if (_queue.Writer.TryWrite(new WebhookEvent(Guid.NewGuid(), tenantId, type, timestamp, data)))
        {
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        _metrics?.WebhookDropped();
        if ((dropped & (dropped - 1)) == 0)
        {
            if (_closed)
            {
                LogDroppedAfterStop(_logger, type, dropped);
            }
            else
            {
                LogDropped(_logger, dropped);
            }
        }

        return false;
    }

    /// <summary>True when a webhook subscribed to <paramref name="events"/> wants an event of <paramref name="type"/>.</summary>
    public static bool IsSubscribed(IReadOnlyCollection<string> events, string type) =>
        events.Contains("*") || events.Contains(type)
        // "room.transcript" is the earlier name of the final-utterance event.
        || (type == WebhookEventTypes.TranscriptFinal && events.Contains("room.transcript"));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Rows are written with their own token: one that outlives the stopping token by the grace period, so an
        // event being fanned out (or still queued) at shutdown still gets its row and is sent after the restart.
        using var persist = new CancellationTokenSource();
        using var graceAfterStop = stoppingToken.Register(() => persist.CancelAfter(ShutdownGrace));
        Task resume = Task.CompletedTask;
        try
        {
            // Snapshot first, so the rows this run creates are not taken for leftovers.
            List<Leftover> leftovers;
            try
            {
                leftovers = await PendingRowsAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The rows stay pending for the next start; new events are still sent.
                LogResumeFailed(_logger, ex);
                leftovers = [];
            }

            resume = ResumeAsync(leftovers, stoppingToken);
            await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                List<Delivery> deliveries;
                try
                {
                    deliveries = await PersistAsync(e, persist.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    CountLost(1);
                    LogFanOutFailed(_logger, ex, e.Type, e.TenantId);
                    continue;
                }

                foreach (var delivery in deliveries)
                {
                    // Cancelled at shutdown: the row is written, so it is sent after the restart.
                    await StartAsync(delivery, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await DrainAsync(persist.Token);
        // Attempts in flight finish or are cancelled by the host's token; their rows stay "pending".
        await resume;
        await Task.WhenAll(_inFlight.Keys);
    }

    /// <summary>At shutdown: no more events are accepted; those still queued get their rows, to be sent after the restart.</summary>
    private async Task DrainAsync(CancellationToken ct)
    {
        _closed = true;
        _queue.Writer.TryComplete();
        var saved = 0;
        try
        {
            while (_queue.Reader.TryRead(out var e))
            {
                try
                {
                    saved += (await PersistAsync(e, ct)).Count;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    CountLost(1);
                    LogFanOutFailed(_logger, ex, e.Type, e.TenantId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            var left = 1 + _queue.Reader.Count;
            CountLost(left);
            LogShutdownLoss(_logger, left);
        }

        if (saved > 0)
        {
            LogSavedForRestart(_logger, saved);
        }
    }

    private void CountLost(int count)
    {
        Interlocked.Add(ref _lost, count);
        _metrics?.WebhookLost(count);
    }

    /// <summary>Writes one pending row per subscribed webhook, with the body to send.</summary>
    private async Task<List<Delivery>> PersistAsync(WebhookEvent e, CancellationToken ct)
    {
        var subscribed = (await HooksOfAsync(e.TenantId, ct)).Where(h => IsSubscribed(h.Events, e.Type)).ToList();
        if (subscribed.Count == 0)
        {
            // Most events of most tenants have no subscriber: no database work for them.
            return [];
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new { id = e.Id, type = e.Type, tenantId = e.TenantId, timestamp = e.Timestamp, data = e.Data },
            RoomFeedHub.SerializerOptions);
        // JSON serialisation yields valid UTF-8, so the stored text gives back these exact bytes.
        var payload = Encoding.UTF8.GetString(body);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var now = _time.GetUtcNow().UtcDateTime;
        var rows = new List<(Webhook Hook, WebhookDelivery Row)>();
        foreach (var hook in subscribed)
        {
            var row = new WebhookDelivery { TenantId = e.TenantId, WebhookId = hook.Id, EventId = e.Id, Event = e.Type, CreatedUtc = now, Payload = payload };
            db.WebhookDeliveries.Add(row);
            rows.Add((hook, row));
        }

        await db.SaveChangesAsync(ct);
        if (Interlocked.Increment(ref _events) % 500 == 0)
        {
            var cutoff = now.AddDays(-Math.Max(1, _options.DeliveryLogDays));
            await db.WebhookDeliveries.Where(d => d.CreatedUtc < cutoff).ExecuteDeleteAsync(ct);
        }

        return rows.Select(r => new Delivery(r.Hook, r.Row.Id, e.Id, e.Type, body, 0, null)).ToList();
    }

    private async Task StartAsync(Delivery delivery, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        var task = DeliverAsync(delivery, ct);
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// The tenant's enabled webhooks, cached until the next configuration save (every call start and end is an
    /// event: one query each would cost more than the call's signalling).
    /// </summary>
    private async Task<List<Webhook>> HooksOfAsync(Guid tenantId, CancellationToken ct)
    {
        var stamp = _directory?.ChangeCount;
        if (stamp is { } current && _hooks.TryGetValue(tenantId, out var cached) && cached.Stamp == current)
        {
            return cached.Hooks;
        }
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var hooks = await db.Webhooks.AsNoTracking().Where(w => w.TenantId == tenantId && !w.Disabled).ToListAsync(ct);
        if (stamp is { } loadedAt)
        {
            _hooks[tenantId] = (loadedAt, hooks);
        }
        return hooks;
    }

    private async Task DeliverAsync(Delivery d, CancellationToken ct)
    {
        var hook = d.Hook;
        try
        {
            string? secret;
            try
            {
                secret = hook.Secret is null ? null : _secrets.Unprotect(hook.Secret);
            }
            catch (CryptographicException)
            {
                await SettleAsync(d.Id, d.Attempts, "The webhook secret cannot be decrypted (was Tolk:Data:SecretKey changed?).");
                LogSecretUnreadable(_logger, hook.Id);
                return;
            }

            var attempts = Math.Max(1, _options.MaxAttempts);
            if (d.Attempts > 0)
            {
                // Resumed after a restart: the pause the previous run was in is kept (counted from its last attempt).
                var due = new DateTimeOffset(DateTime.SpecifyKind(d.LastAttemptUtc ?? default, DateTimeKind.Utc)) + Backoff(d.Attempts);
                var wait = due - _time.GetUtcNow();
                if (wait > TimeSpan.Zero && d.Attempts < attempts)
                {
                    await Task.Delay(wait, _time, ct);
                }
            }

            for (var attempt = d.Attempts + 1; attempt <= attempts; attempt++)
            {
                if (!await ClaimAsync(d.Id, attempt, ct))
                {
                    // Settled, pruned, its webhook deleted, or this attempt made by another host sharing the database.
                    return;
                }

                var (status, error, retry) = await AttemptAsync(hook, d.EventId, d.Event, d.Body, secret, ct);
                var delivered = error is null;
                var final = delivered || !retry || attempt == attempts;
                _metrics?.WebhookAttempt(delivered ? "delivered" : final ? "failed" : "retry");
                // The outcome is recorded even while shutting down: a delivered event must not be sent again.
                await RecordAsync(d.Id,
                    delivered ? WebhookDeliveryStatus.Delivered : final ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending,
                    attempt, status, error, CancellationToken.None);
                if (final)
                {
                    if (!delivered)
                    {
                        LogGaveUp(_logger, hook.Id, d.Event, attempt, error!);
                    }

                    return;
                }

                await Task.Delay(Backoff(attempt), _time, ct);
            }

            if (d.Attempts >= attempts)
            {
                // Resumed with no attempt left (Tolk:Api:Webhooks:MaxAttempts was lowered meanwhile).
                await SettleAsync(d.Id, d.Attempts, $"Gave up after {d.Attempts} attempts (MaxAttempts is {attempts}).");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down; the row stays pending and is resumed on the next start.
        }
        catch (Exception ex)
        {
            LogDeliveryCrashed(_logger, ex, hook.Id);
        }
        finally
        {
            _slots.Release();
        }
    }

    private TimeSpan Backoff(int attemptsMade) => TimeSpan.FromSeconds(_options.RetryBaseSeconds * Math.Pow(2, attemptsMade - 1));

    private async Task<(int? Status, string? Error, bool Retry)> AttemptAsync(Webhook hook, Guid eventId, string type, byte[] body, string? secret, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.EventHeader, type);
        request.Headers.Add(WebhookSignature.DeliveryHeader, eventId.ToString());
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (secret is not null)
        {
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(secret, timestamp, body));
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (code, null, false);
            }

            // Client errors other than timeout/throttling will not change on retry.
            var retry = code is 408 or 429 || code >= 500;
            return (code, $"HTTP {code} {response.ReasonPhrase}", retry);
        }
        catch (HttpRequestException ex)
        {
            return (null, Truncate(ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message), true);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No response within {_options.TimeoutSeconds} s.", true);
        }
    }

    /// <summary>Records an attempt's outcome; a settled row (delivered or failed) loses its body.</summary>
    private async Task RecordAsync(long deliveryId, WebhookDeliveryStatus status, int attempts, int? code, string? error, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        DateTime? delivered = status == WebhookDeliveryStatus.Delivered ? now : null;
        var lastError = error is null ? null : Truncate(error);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        await db.WebhookDeliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(d => d.Status, status)
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.LastStatusCode, code)
                .SetProperty(d => d.LastError, lastError)
                .SetProperty(d => d.LastAttemptUtc, now)
                .SetProperty(d => d.DeliveredUtc, delivered);
            if (status != WebhookDeliveryStatus.Pending)
            {
                // Privacy: bodies carry transcript text; only pending deliveries need theirs.
                s.SetProperty(d => d.Payload, (string?)null);
            }
        }, ct);
    }

    /// <summary>
    /// Takes attempt <paramref name="attempt"/> of a pending row (its count moves from attempt − 1). False when the
    /// row is settled or gone, or another host sharing the database took this attempt first.
    /// </summary>
    private async Task<bool> ClaimAsync(long deliveryId, int attempt, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.Status == WebhookDeliveryStatus.Pending && d.Attempts == attempt - 1)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Attempts, attempt).SetProperty(d => d.LastAttemptUtc, now), ct) == 1;
    }

    /// <summary>Marks a pending row failed without an attempt, keeping its count, and drops its body.</summary>
    private async Task SettleAsync(long deliveryId, int attempts, string reason)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.Status == WebhookDeliveryStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, WebhookDeliveryStatus.Failed)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.LastError, Truncate(reason))
            .SetProperty(d => d.Payload, (string?)null), CancellationToken.None);
    }

    private static string Truncate(string text) => text.Length <= Limits.Long ? text : text[..Limits.Long];

    /// <inheritdoc />
    public override void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Error, Message = "Webhook queue full: {Dropped} events dropped so far")]
    private static partial void LogDropped(ILogger logger, long dropped);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Webhook {WebhookId}: gave up on {Event} after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid webhookId, string @event, int attempts, string error);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Error, Message = "Webhook {WebhookId}: its secret cannot be decrypted")]
    private static partial void LogSecretUnreadable(ILogger logger, Guid webhookId);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Error, Message = "Dispatching {Event} of tenant {TenantId} failed")]
    private static partial void LogFanOutFailed(ILogger logger, Exception ex, string @event, Guid tenantId);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Error, Message = "Webhook {WebhookId}: delivery failed unexpectedly")]
    private static partial void LogDeliveryCrashed(ILogger logger, Exception ex, Guid webhookId);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Warning, Message = "Webhook dispatcher stopped: {Event} not queued ({Dropped} events dropped so far)")]
    private static partial void LogDroppedAfterStop(ILogger logger, string @event, long dropped);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Error, Message = "Shutdown: {Count} queued webhook events could not be stored in time and are lost")]
    private static partial void LogShutdownLoss(ILogger logger, int count);

    [LoggerMessage(EventId = 4308, Level = LogLevel.Information, Message = "Shutdown: {Count} webhook deliveries stored as pending, to be sent after the restart")]
    private static partial void LogSavedForRestart(ILogger logger, int count);
}
