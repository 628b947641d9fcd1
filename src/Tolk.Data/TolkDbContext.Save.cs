using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Tolk.Data.Entities;

namespace Tolk.Data;

public abstract partial class TolkDbContext
{
    private static readonly HashSet<string> SecretProperties =
        [nameof(User.PasswordHash), nameof(SipAccount.Ha1Md5), nameof(SipAccount.Ha1Sha256), nameof(ApiKey.KeyHash),
         nameof(Webhook.Secret), nameof(Room.Pin), nameof(VoiceProfile.Sample)];

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var changed = BeforeSave();
        var result = base.SaveChanges(acceptAllChangesOnSuccess);
        AfterSave(changed);
        return result;
    }

    /// <inheritdoc />
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changed = BeforeSave();
        var result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        AfterSave(changed);
        return result;
    }

    private HashSet<Type> BeforeSave()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var changed = new HashSet<Type>();
        var audit = new List<AuditEntry>();
        foreach (var entry in ChangeTracker.Entries().ToList())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            // Appended records (usage, transcripts, delivery log) and callers' own menu choices are not configuration:
            // no audit, no directory reload (a caller pressing *1, *2, *1… must not make the server reload its snapshot).
            if (entry.Entity is AuditEntry or UsageRecord or IdempotencyRecord or RefreshToken or TranscriptUtterance or WebhookDelivery or CallerLanguage)
            {
                continue;
            }

            if (!IsSignInBookkeeping(entry))
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

            audit.Add(new AuditEntry
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
                EntityId = string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString())),
                Changes = DescribeChanges(entry),
            });
        }

        AuditLog.AddRange(audit);
        return changed;
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
