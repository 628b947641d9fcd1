using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>One entry of a webhook's delivery log.</summary>
public sealed record WebhookDeliveryDto(long Id, Guid EventId, string Event, WebhookDeliveryStatus Status, int Attempts, int? LastStatusCode,
    string? LastError, DateTime CreatedUtc, DateTime? LastAttemptUtc, DateTime? DeliveredUtc);

/// <summary>The delivery log of a webhook, newest first: the first item is its last status.</summary>
internal static class WebhookDeliveries
{
    public static void Map(RouteGroupBuilder tenant) =>
        tenant.MapGet("/webhooks/{id:guid}/deliveries", ListAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithTags("Webhooks").WithName("ListWebhookDeliveries")
            .WithSummary("Delivery log of a webhook")
            .WithDescription("Newest first (the first item is the webhook's last status): status pending, delivered or failed, attempts, last HTTP status and error.");

    private static async Task<IResult> ListAsync(Guid id, int? page, int? pageSize, TolkDbContext db, CancellationToken ct)
    {
        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        // Both queries run under the tenant filter: another tenant's webhook is simply not found.
        if (!await db.Webhooks.AnyAsync(w => w.Id == id, ct))
        {
            return Problems.NotFound();
        }

        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == id);
        var total = await query.CountAsync(ct);
        // Projected in the query: pending rows hold their bodies (Payload), which the log never reads.
        var rows = await query.OrderByDescending(d => d.Id).Skip((p - 1) * s).Take(s)
            .Select(d => new WebhookDeliveryDto(d.Id, d.EventId, d.Event, d.Status, d.Attempts,
                d.LastStatusCode, d.LastError, Utc(d.CreatedUtc), Utc(d.LastAttemptUtc), Utc(d.DeliveredUtc)))
            .ToListAsync(ct);
        return TypedResults.Ok(new PageOf<WebhookDeliveryDto>(rows, p, s, total));
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
