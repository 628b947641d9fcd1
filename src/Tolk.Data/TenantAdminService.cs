using Microsoft.EntityFrameworkCore;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Data;

/// <summary>The outcome of creating an API key: the key itself is shown once and never stored.</summary>
public sealed record CreatedApiKey(Guid Id, Guid TenantId, string Name, string Role, string Key);

/// <summary>
/// Operator actions on the box (the <c>tolk tenant|user|apikey|db</c> verbs) and the seeding at first
/// start. Works unscoped (provider level); every change is audited with <see cref="TenantContext.Actor"/>.
/// </summary>
public sealed class TenantAdminService(TolkDbContext db, TimeProvider time)
{
    /// <summary>Applies pending migrations (<c>tolk db migrate</c>).</summary>
    public Task MigrateAsync(CancellationToken ct = default) => db.Database.MigrateAsync(ct);

    /// <summary>Creates a tenant. Domains are lower-cased; the first is the SIP digest realm.</summary>
    public async Task<Tenant> CreateTenantAsync(string name, IEnumerable<string> domains, CancellationToken ct = default)
    {
        var tenant = new Tenant
        {
            Id = Guid.NewGuid(),
            Name = name,
            Domains = domains.Select(d => d.Trim().TrimEnd('.').ToLowerInvariant()).Distinct().ToList(),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
        };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(ct);
        return tenant;
    }

    /// <summary>All tenants, by name.</summary>
    public Task<List<Tenant>> ListTenantsAsync(CancellationToken ct = default) =>
        db.Tenants.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);

    /// <summary>Finds a tenant by id or by one of its domains.</summary>
    public async Task<Tenant?> FindTenantAsync(string idOrDomain, CancellationToken ct = default)
    {
        if (Guid.TryParse(idOrDomain, out var id))
        {
            return await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, ct);
        }

        var domain = idOrDomain.ToLowerInvariant();
        var all = await db.Tenants.ToListAsync(ct);
        return all.FirstOrDefault(t => t.Domains.Contains(domain));
    }

    /// <summary>Creates a user. Master admins have no tenant; tenant roles need one.</summary>
    public async Task<User> CreateUserAsync(string email, string password, string role, Guid? tenantId, CancellationToken ct = default)
    {
        if (!Roles.IsKnown(role))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        if ((role == Roles.MasterAdmin) != (tenantId is null))
        {
            throw new ArgumentException("Master admins have no tenant; tenant roles need one.", nameof(tenantId));
        }

        var user = new User
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Email = email.Trim().ToLowerInvariant(),
            Role = role,
            PasswordHash = PasswordHasher.Hash(password),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Creates an API key for a tenant and returns it (the only time it is visible).</summary>
    public async Task<CreatedApiKey> CreateApiKeyAsync(Guid tenantId, string name, string role = Roles.TenantAdmin, CancellationToken ct = default)
    {
        var (entity, key) = NewApiKey(tenantId, name, role, time);
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(entity.Id, tenantId, name, role, key);
    }

    /// <summary>Creates a SIP account, storing only the HA1 hashes for the tenant's realm.</summary>
    public async Task<SipAccount> CreateSipAccountAsync(Tenant tenant, string username, string password, string? extension, string? language, CancellationToken ct = default)
    {
        var account = NewSipAccount(tenant, username, password);
        account.Extension = extension;
        account.Language = language;
        db.SipAccounts.Add(account);
        await db.SaveChangesAsync(ct);
        return account;
    }

    /// <summary>Builds an API key entity and its one-time plaintext.</summary>
    public static (ApiKey Entity, string Key) NewApiKey(Guid tenantId, string name, string role, TimeProvider time)
    {
        var key = SecretTokens.New(SecretTokens.ApiKeyPrefix);
        return (new ApiKey
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = name,
            Role = role,
            Prefix = key[..12],
            KeyHash = SecretTokens.Hash(key),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
        }, key);
    }

    /// <summary>Builds a SIP account entity with HA1 hashes for the tenant's realm.</summary>
    public static SipAccount NewSipAccount(Tenant tenant, string username, string password)
    {
        var realm = tenant.Domains.FirstOrDefault() ?? throw new InvalidOperationException("The tenant has no SIP domain.");
        return new SipAccount
        {
            Id = Guid.NewGuid(),
            TenantId = tenant.Id,
            Username = username,
            Realm = realm,
            Ha1Md5 = DigestHashes.Md5Ha1(username, realm, password),
            Ha1Sha256 = DigestHashes.Sha256Ha1(username, realm, password),
        };
    }
}
