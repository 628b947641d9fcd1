using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Conferencing.Translation;
using Tolk.Data;

namespace Tolk.Server.Hosting;

/// <summary>
/// Callers' DTMF menu choices in the <c>CallerLanguages</c> table, one row per tenant and caller key; each
/// lookup and write runs in a scope confined to the tenant, so no tenant reads another's callers. Rows go with
/// their tenant.
/// </summary>
public sealed class DatabaseCallerLanguageStore(IServiceScopeFactory scopes, TimeProvider time) : ICallerLanguageStore
{
    /// <inheritdoc />
    public async ValueTask<string?> FindAsync(Guid tenantId, string callerKey, CancellationToken cancellationToken)
    {
        await using var scope = Enter(tenantId, out var db);
        return await db.CallerLanguages.AsNoTracking()
            .Where(c => c.CallerKey == callerKey)
            .Select(c => c.Language)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask RememberAsync(Guid tenantId, string callerKey, string language, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callerKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        await using var scope = Enter(tenantId, out var db);
        await CallerLanguageRows.SetAsync(db, tenantId, callerKey, language, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    private AsyncServiceScope Enter(Guid tenantId, out TolkDbContext db)
    {
        var scope = scopes.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        tenant.Enter(tenantId);
        tenant.Actor = "system:caller-languages";
        db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return scope;
    }
}
