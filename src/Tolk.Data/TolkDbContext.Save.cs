using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tolk.Data.Entities;

namespace Tolk.Data;

public abstract partial class TolkDbContext
{
    private static readonly HashSet<string> SecretProperties =
        [nameof(User.PasswordHash), nameof(SipAccount.Ha1Md5), nameof(SipAccount.Ha1Sha256), nameof(ApiKey.KeyHash),
         nameof(Webhook.Secret), nameof(Room.Pin), nameof(VoiceProfile.Sample),
         // Personal data a caller may ask to erase; the append-only audit log must not keep it.
         nameof(CallerLanguage.CallerKey)];

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var (changed, keyed) = BeforeSave();
        int result;
        if (!NeedsKeyFill(keyed, acceptAllChangesOnSuccess))
        {
            result = base.SaveChanges(acceptAllChangesOnSuccess);
        }
        else
        {
            using var ownTransaction = NeedsOwnTransaction ? Database.BeginTransaction() : null;
            result = base.SaveChanges(acceptAllChangesOnSuccess);
            FillGeneratedKeys(keyed);
            base.SaveChanges(acceptAllChangesOnSuccess);
            ownTransaction?.Commit();
        }
        AfterSave(changed);
        return result;
    }

    /// <inheritdoc />
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var (changed, keyed) = BeforeSave();
        int result;
        if (!NeedsKeyFill(keyed, acceptAllChangesOnSuccess))
        {
            result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        else
        {
            await using var ownTransaction = NeedsOwnTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
            result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            // Once the rows are in, their audit entries must follow: cancelling now would leave the rows half saved.
            FillGeneratedKeys(keyed);
            await base.SaveChangesAsync(acceptAllChangesOnSuccess, CancellationToken.None);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(CancellationToken.None);
            }
        }
        AfterSave(changed);
        return result;
    }

    // A created row whose key the database generates (a long identity) has only a temporary key when its audit entry
    // is written; the entry gets the real one after the insert, in a second save of the audit rows alone. Both saves
    // are one transaction (the caller's, or ours) so an entry never lands with the temporary key or without its row.
    // Without accepting the first save's changes a second save would insert the rows again: the entry keeps the
    // temporary key then.
    // A caller's transaction (EF's or an ambient TransactionScope, which EF enlists in) already holds both saves.
    private bool NeedsOwnTransaction => Database.CurrentTransaction is null && System.Transactions.Transaction.Current is null;

    private static bool NeedsKeyFill(List<(EntityEntry Entry, AuditEntry Audit)> keyed, bool acceptAllChangesOnSuccess) =>
        keyed.Count > 0 && acceptAllChangesOnSuccess;

    private static void FillGeneratedKeys(List<(EntityEntry Entry, AuditEntry Audit)> keyed)
    {
        foreach (var (entry, audit) in keyed)
        {
            audit.EntityId = KeyOf(entry);
            audit.Changes = DescribeChanges(entry);
        }
    }

    private static string KeyOf(EntityEntry entry) =>
        string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString()));

    private (HashSet<Type> Changed, List<(EntityEntry Entry, AuditEntry Audit)> Keyed) BeforeSave()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var changed = new HashSet<Type>();
        var keyed = new List<(EntityEntry, AuditEntry)>();
        var audit = new List<AuditEntry>();
        foreach (var entry in ChangeTracker.Entries().ToList())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            // Appended records (usage, transcripts, delivery log) and callers' own menu choices are not configuration:
            // no audit, no directory reload (a caller pressing *1, *2, *1… must not make the server reload its snapshot).
            if (entry.Entity is AuditEntry or UsageRecord or IdempotencyRecord or RefreshToken or TranscriptUtterance or WebhookDelivery
                || (entry.Entity is CallerLanguage && _tenant.Actor == CallerLanguageRows.CallersOwnActor))
            {
                continue;
            }

            // An operator's change to a caller's language is audited like any other, but is no more configuration.
            if (!IsSignInBookkeeping(entry) && entry.Entity is not CallerLanguage)
            {
                changed.Add(entry.Entity.GetType());
            }

            if (entry.Entity is IVersioned versioned && entry.State is EntityState.Added or EntityState.Modified)
            {
                // The original value stays the concurrency check; the new value is the next ETag.
                versioned.Version = entry.State == EntityState.Added ? 1 : versioned.Version + 1;
            }

            if (entry.Entity is SystemSetting)
            {
                continue;
            }

            var record = new AuditEntry
            {
                TenantId = entry.Entity switch
                {
                    ITenantOwned owned => owned.TenantId,
                    User user => user.TenantId,
                    Tenant tenant => tenant.Id,
                    _ => null,
                },
                TimestampUtc = now,
                Actor = _tenant.Actor,
                Action = entry.State switch
                {
                    EntityState.Added => "create",
                    EntityState.Deleted => "delete",
                    _ => "update",
                },
                EntityType = entry.Metadata.ClrType.Name,
                EntityId = KeyOf(entry),
                Changes = DescribeChanges(entry),
            };
            audit.Add(record);
            if (entry.State == EntityState.Added && entry.Metadata.FindPrimaryKey()!.Properties.Any(p => entry.Property(p.Name).IsTemporary))
            {
                keyed.Add((entry, record));
            }
        }

        AuditLog.AddRange(audit);
        return (changed, keyed);
    }

    // Failed-login counters change on every bad password: they must not force a directory reload
    // (that would let anyone make the server reload its snapshot at will).
    private static bool IsSignInBookkeeping(EntityEntry entry) =>
        entry.Entity is User && entry.State == EntityState.Modified
        && entry.Properties.Where(p => p.IsModified).All(p => p.Metadata.Name is nameof(User.FailedLogins) or nameof(User.LockedUntilUtc) or nameof(IVersioned.Version));

    private static string? DescribeChanges(EntityEntry entry)
    {
        var values = new Dictionary<string, object?>();
        foreach (var property in entry.Properties)
        {
            if (entry.State == EntityState.Modified && !property.IsModified)
            {
                continue;
            }

            if (entry.State == EntityState.Deleted || property.Metadata.Name == nameof(IVersioned.Version))
            {
                continue;
            }

            values[property.Metadata.Name] = SecretProperties.Contains(property.Metadata.Name)
                ? "***"
                : property.CurrentValue;
        }

        return values.Count == 0 ? null : JsonSerializer.Serialize(values);
    }

    private void AfterSave(HashSet<Type> changed)
    {
        if (changed.Count > 0)
        {
            _changeSink?.OnDataChanged(changed);
        }
    }
}
