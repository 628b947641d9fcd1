using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Webhooks;

public sealed partial class WebhookDispatcher
{
    /// <summary>One delivery to make: the row, its webhook, the body as stored, and where its attempts stand.</summary>
    private sealed record Delivery(Webhook Hook, long Id, Guid EventId, string Event, byte[] Body, int Attempts, DateTime? LastAttemptUtc);

    /// <summary>A pending row left by an earlier run (its body is loaded when its turn comes).</summary>
    private sealed record Leftover(long Id, Guid WebhookId, Guid EventId, string Event, int Attempts, DateTime? LastAttemptUtc, bool HasPayload);

    /// <summary>Deliveries still pending when this run starts, oldest first.</summary>
    private async Task<List<Leftover>> PendingRowsAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending)
            .OrderBy(d => d.CreatedUtc).ThenBy(d => d.Id)
            .Select(d => new Leftover(d.Id, d.WebhookId, d.EventId, d.Event, d.Attempts, d.LastAttemptUtc, d.Payload != null))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Sends the leftovers again: same event id and body, the attempt count and backoff continued, to the webhook's
    /// current URL and secret. Rows without a body (written before bodies were kept) and rows whose webhook was
    /// deleted or disabled are marked failed.
    /// </summary>
    private async Task ResumeAsync(List<Leftover> leftovers, CancellationToken ct)
    {
        if (leftovers.Count == 0)
        {
            return;
        }

        // Lets the channel loop start first: resuming competes with new events for the delivery slots.
        await Task.Yield();
        try
        {
            Dictionary<Guid, Webhook> hooks;
            await using (var scope = _scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
                var ids = leftovers.Select(l => l.WebhookId).Distinct().ToList();
                hooks = await db.Webhooks.AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
            }

            var resumed = 0;
            var failed = 0;
            foreach (var row in leftovers)
            {
                var reason = !row.HasPayload ? "Not sent again after a restart: the delivery was queued by a version that did not keep its body."
                    : !hooks.TryGetValue(row.WebhookId, out var hook) ? "Not sent again after a restart: the webhook was deleted."
                    : hook.Disabled ? "Not sent again after a restart: the webhook is disabled."
                    : null;
                if (reason is not null)
                {
                    await SettleAsync(row.Id, row.Attempts, reason);
                    failed++;
                    continue;
                }

                var payload = await PayloadOfAsync(row.Id, ct);
                if (payload is null)
                {
                    // Settled meanwhile (another host sharing the database) or pruned.
                    continue;
                }

                await StartAsync(new Delivery(hooks[row.WebhookId], row.Id, row.EventId, row.Event, System.Text.Encoding.UTF8.GetBytes(payload),
                    row.Attempts, row.LastAttemptUtc), ct);
                resumed++;
            }

            LogResumed(_logger, resumed, failed);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down again: what is left stays pending for the next start.
        }
        catch (Exception ex)
        {
            LogResumeFailed(_logger, ex);
        }
    }

    private async Task<string?> PayloadOfAsync(long deliveryId, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Id == deliveryId && d.Status == WebhookDeliveryStatus.Pending)
            .Select(d => d.Payload).FirstOrDefaultAsync(ct);
    }

    [LoggerMessage(EventId = 4309, Level = LogLevel.Information, Message = "Webhook deliveries pending from the last run: {Resumed} sent again, {Failed} marked failed")]
    private static partial void LogResumed(ILogger logger, int resumed, int failed);

    [LoggerMessage(EventId = 4310, Level = LogLevel.Error, Message = "Resuming the pending webhook deliveries failed; they stay pending for the next start")]
    private static partial void LogResumeFailed(ILogger logger, Exception ex);
}
