using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
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
public sealed partial class WebhookDispatcher : BackgroundService
{
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
    private long _events;

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

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

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
            LogDropped(_logger, dropped);
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
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await FanOutAsync(e, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFanOutFailed(_logger, ex, e.Type, e.TenantId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        // Attempts in flight finish or are cancelled by the host's token; their rows stay "pending".
        await Task.WhenAll(_inFlight.Keys);
    }

    private async Task FanOutAsync(WebhookEvent e, CancellationToken ct)
    {
        List<(Webhook Hook, long DeliveryId)> targets = [];
        var subscribed = (await HooksOfAsync(e.TenantId, ct)).Where(h => IsSubscribed(h.Events, e.Type)).ToList();
        if (subscribed.Count == 0)
        {
            // Most events of most tenants have no subscriber: no database work for them.
            return;
        }
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
            var now = _time.GetUtcNow().UtcDateTime;
            var rows = new List<(Webhook, WebhookDelivery)>();
            foreach (var hook in subscribed)
            {
                var row = new WebhookDelivery { TenantId = e.TenantId, WebhookId = hook.Id, EventId = e.Id, Event = e.Type, CreatedUtc = now };
                db.WebhookDeliveries.Add(row);
                rows.Add((hook, row));
            }

            if (rows.Count == 0)
            {
                return;
            }

            await db.SaveChangesAsync(ct);
            targets.AddRange(rows.Select(r => (r.Item1, r.Item2.Id)));
            if (Interlocked.Increment(ref _events) % 500 == 0)
            {
                var cutoff = now.AddDays(-Math.Max(1, _options.DeliveryLogDays));
                await db.WebhookDeliveries.Where(d => d.CreatedUtc < cutoff).ExecuteDeleteAsync(ct);
            }
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new { id = e.Id, type = e.Type, tenantId = e.TenantId, timestamp = e.Timestamp, data = e.Data },
            RoomFeedHub.SerializerOptions);
        foreach (var (hook, deliveryId) in targets)
        {
            await _slots.WaitAsync(ct);
            var task = DeliverAsync(hook, deliveryId, e, body, ct);
            _inFlight.TryAdd(task, 0);
            _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
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

    private async Task DeliverAsync(Webhook hook, long deliveryId, WebhookEvent e, byte[] body, CancellationToken ct)
    {
        try
        {
            string? secret;
            try
            {
                secret = hook.Secret is null ? null : _secrets.Unprotect(hook.Secret);
            }
            catch (CryptographicException)
            {
                await RecordAsync(deliveryId, WebhookDeliveryStatus.Failed, 0, null,
                    "The webhook secret cannot be decrypted (was Tolk:Data:SecretKey changed?).", ct);
                LogSecretUnreadable(_logger, hook.Id);
                return;
            }

            var attempts = Math.Max(1, _options.MaxAttempts);
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                var (status, error, retry) = await AttemptAsync(hook, e, body, secret, ct);
                var delivered = error is null;
                var final = delivered || !retry || attempt == attempts;
                _metrics?.WebhookAttempt(delivered ? "delivered" : final ? "failed" : "retry");
                await RecordAsync(deliveryId,
                    delivered ? WebhookDeliveryStatus.Delivered : final ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending,
                    attempt, status, error, ct);
                if (final)
                {
                    if (!delivered)
                    {
                        LogGaveUp(_logger, hook.Id, e.Type, attempt, error!);
                    }

                    return;
                }

                var pause = TimeSpan.FromSeconds(_options.RetryBaseSeconds * Math.Pow(2, attempt - 1));
                await Task.Delay(pause, _time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down; the row stays pending.
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

    private async Task<(int? Status, string? Error, bool Retry)> AttemptAsync(Webhook hook, WebhookEvent e, byte[] body, string? secret, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.EventHeader, e.Type);
        request.Headers.Add(WebhookSignature.DeliveryHeader, e.Id.ToString());
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

    private async Task RecordAsync(long deliveryId, WebhookDeliveryStatus status, int attempts, int? code, string? error, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        DateTime? delivered = status == WebhookDeliveryStatus.Delivered ? now : null;
        var lastError = error is null ? null : Truncate(error);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        await db.WebhookDeliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.LastStatusCode, code)
            .SetProperty(d => d.LastError, lastError)
            .SetProperty(d => d.LastAttemptUtc, now)
            .SetProperty(d => d.DeliveredUtc, delivered), ct);
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
}
