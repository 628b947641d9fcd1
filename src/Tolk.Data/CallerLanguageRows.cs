using Microsoft.EntityFrameworkCore;
using Tolk.Data.Entities;

namespace Tolk.Data;

/// <summary>Writes of <see cref="CallerLanguage"/> rows, shared by the SIP host's store and the API.</summary>
public static class CallerLanguageRows
{
    /// <summary>
    /// The actor of the SIP host's writes on a caller's own behalf (a <c>*N</c> choice, a purge of stale rows): those
    /// are not audited, or every caller's keypress would be. An operator's writes through the API are.
    /// </summary>
    public const string CallersOwnActor = "system:caller-languages";

    // Writers of one caller take turns in this process: a lost insert race is handled below, but EF Core logs the failed
    // save at Error before the handler sees it, and operators alert on that. Servers sharing one PostgreSQL database
    // can still race, and the retry covers them.
    private static readonly KeyedTurns<(Guid Tenant, string Caller)> Writers = new();

    /// <summary>
    /// Sets a caller's language in the context's tenant, inserting or replacing its row. Two writers may insert the
    /// same caller at once (a caller keying *N while an admin sets it, or two calls of one caller): within one process
    /// they take turns; across servers the loser of the unique-index race updates the winner's row instead.
    /// </summary>
    /// <returns>The row, and whether it was created.</returns>
    public static async Task<(CallerLanguage Row, bool Created)> SetAsync(TolkDbContext db, Guid tenantId, string callerKey, string language, DateTime utcNow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        using var turn = await Writers.TakeAsync((tenantId, callerKey), ct);
        return await InsertOrReplaceAsync(db, tenantId, callerKey, language, utcNow, ct);
    }

    private static async Task<(CallerLanguage Row, bool Created)> InsertOrReplaceAsync(TolkDbContext db, Guid tenantId, string callerKey, string language, DateTime utcNow, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await db.CallerLanguages.FirstOrDefaultAsync(c => c.CallerKey == callerKey, ct);
            var created = row is null;
            row ??= db.CallerLanguages.Add(new CallerLanguage { TenantId = tenantId, CallerKey = callerKey, Language = language }).Entity;
            row.Language = language;
            row.UpdatedUtc = utcNow;
            try
            {
                await db.SaveChangesAsync(ct);
                return (row, created);
            }
            catch (DbUpdateException) when (created && attempt < 2)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
