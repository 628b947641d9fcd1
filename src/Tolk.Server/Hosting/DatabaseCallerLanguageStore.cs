using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Conferencing.Translation;
using Tolk.Data;

namespace Tolk.Server.Hosting;

/// <summary>
/// Callers' DTMF menu choices in the <c>CallerLanguages</c> table, one row per tenant and caller key; each
/// lookup and write runs in a scope confined to the tenant, so no tenant reads another's callers. A row's
/// <c>UpdatedUtc</c> is when it was last chosen or used (refreshed at most daily), which is what
/// <see cref="PurgeUnusedAsync"/> goes by. Rows go with their tenant.
/// </summary>
public sealed partial class DatabaseCallerLanguageStore(IServiceScopeFactory scopes, TimeProvider time, ILogger<DatabaseCallerLanguageStore>? logger = null) : ICallerLanguageStore
{
    private static readonly TimeSpan TouchEvery = TimeSpan.FromDays(1);
    private readonly ILogger _logger = logger ?? NullLogger<DatabaseCallerLanguageStore>.Instance;

    /// <inheritdoc />
    public async ValueTask<string?> FindAsync(Guid tenantId, string callerKey, CancellationToken cancellationToken)
    {
        await using var scope = Enter(tenantId, out var db);
        var row = await db.CallerLanguages.AsNoTracking()
            .Where(c => c.CallerKey == callerKey)
            .Select(c => new { c.Id, c.Language, c.UpdatedUtc })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is not null && row.UpdatedUtc < time.GetUtcNow().UtcDateTime - TouchEvery)
        {
            // Marks the row used, after the answer: the lookup is on a call's way in and has a hard time bound.
            _ = Task.Run(() => TouchAsync(tenantId, row.Id), CancellationToken.None);
        }
        return row?.Language;
    }

    /// <inheritdoc />
    public async ValueTask RememberAsync(Guid tenantId, string callerKey, string language, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callerKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        await using var scope = Enter(tenantId, out var db);
        await CallerLanguageRows.SetAsync(db, tenantId, callerKey, language, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    /// <summary>
    /// Deletes the rows of every tenant not chosen or used since <paramref name="cutoffUtc"/>: a caller's number is
    /// personal data, kept only while it serves the caller. Housekeeping, not audited.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> PurgeUnusedAsync(DateTime cutoffUtc, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Actor = CallerLanguageRows.CallersOwnActor;
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return await db.CallerLanguages.Where(c => c.UpdatedUtc < cutoffUtc).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task TouchAsync(Guid tenantId, long id)
    {
        try
        {
            await using var scope = Enter(tenantId, out var db);
            var now = time.GetUtcNow().UtcDateTime;
            await db.CallerLanguages.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedUtc, now));
        }
        catch (Exception ex)
        {
            // The row is only purged sooner; the caller's call is not affected.
            Log.TouchFailed(_logger, ex);
        }
    }

    private AsyncServiceScope Enter(Guid tenantId, out TolkDbContext db)
    {
        var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        tenant.Enter(tenantId);
        tenant.Actor = CallerLanguageRows.CallersOwnActor;
        db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return scope;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4117, Level = LogLevel.Warning, Message = "Could not mark a remembered caller language as used")]
        public static partial void TouchFailed(ILogger logger, Exception ex);
    }
}
