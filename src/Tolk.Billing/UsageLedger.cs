using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Billing;

/// <summary>One rated line of a usage summary.</summary>
public sealed record UsageLine(string Kind, string Unit, decimal Quantity, decimal UnitPrice, decimal Amount);

/// <summary>Usage of a tenant over a period, rated with its plan.</summary>
public sealed record UsageSummary(Guid TenantId, DateTime From, DateTime To, string Plan, string Currency, IReadOnlyList<UsageLine> Lines, decimal Total);

/// <summary>
/// The usage ledger: append-only records of metered use (written by the call and speech layers) and
/// their rating. A singleton; each call uses its own database scope.
/// </summary>
public sealed class UsageLedger(IServiceScopeFactory scopes, RateCard rates, TimeProvider time)
{
    /// <summary>Appends one usage record.</summary>
    public async Task RecordAsync(Guid tenantId, string kind, decimal quantity, string? callId = null, DateTime? timestampUtc = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        db.Usage.Add(new UsageRecord
        {
            TenantId = tenantId,
            Kind = kind,
            Quantity = quantity,
            Unit = UsageKinds.UnitOf(kind),
            CallId = callId,
            TimestampUtc = timestampUtc ?? time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Appends records in one transaction (the <see cref="UsageRecorder"/>'s batches).</summary>
    public async Task RecordBatchAsync(IReadOnlyCollection<UsageEntry> entries, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        foreach (var e in entries)
        {
            db.Usage.Add(new UsageRecord
            {
                TenantId = e.TenantId,
                Kind = e.Kind,
                Quantity = e.Quantity,
                Unit = UsageKinds.UnitOf(e.Kind),
                CallId = e.CallId,
                TimestampUtc = e.TimestampUtc,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Sums and rates a tenant's usage in [from, to).</summary>
    public async Task<UsageSummary> SummarizeAsync(TolkDbContext db, Guid tenantId, DateTime fromUtc, DateTime toUtc, CancellationToken ct = default)
    {
        var plan = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Plan).FirstOrDefaultAsync(ct) ?? "standard";
        // Decimal sums are done here, not in SQL: SQLite has no decimal type to aggregate exactly.
        var rows = await db.Usage.AsNoTracking()
            .Where(u => u.TenantId == tenantId && u.TimestampUtc >= fromUtc && u.TimestampUtc < toUtc)
            .Select(u => new { u.Kind, u.Unit, u.Quantity })
            .ToListAsync(ct);
        var lines = rows.GroupBy(r => (r.Kind, r.Unit))
            .OrderBy(g => g.Key.Kind, StringComparer.Ordinal)
            .Select(g =>
            {
                var quantity = g.Sum(r => r.Quantity);
                var price = rates.UnitPrice(plan, g.Key.Kind);
                return new UsageLine(g.Key.Kind, g.Key.Unit, quantity, price, decimal.Round(quantity * price, 4, MidpointRounding.ToEven));
            })
            .ToList();
        return new UsageSummary(tenantId, fromUtc, toUtc, plan, rates.Currency, lines, lines.Sum(l => l.Amount));
    }
}
