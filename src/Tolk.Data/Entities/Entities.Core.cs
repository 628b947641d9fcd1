namespace Tolk.Data.Entities;

/// <summary>An entity that can be edited through the API: carries an optimistic-concurrency version (the ETag).</summary>
public interface IVersioned
{
    /// <summary>Incremented on every save; the concurrency token and the HTTP ETag.</summary>
    long Version { get; set; }
}

/// <summary>An entity with a GUID primary key.</summary>
public interface IEntity
{
    /// <summary>The primary key.</summary>
    Guid Id { get; }
}

/// <summary>An entity owned by one tenant; queries on it are tenant-scoped by a global filter.</summary>
public interface ITenantOwned
{
    /// <summary>The owning tenant.</summary>
    Guid TenantId { get; set; }
}

/// <summary>Lifecycle of a tenant. A disabled tenant's calls are refused and its credentials stop working.</summary>
public enum TenantStatus
{
    Active = 0,
    Disabled = 1,
}

/// <summary>A business customer of the provider: its own virtual PBX.</summary>
public sealed class Tenant : IEntity, IVersioned
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>SIP domains, lower-case; the first is the digest realm.</summary>
    public List<string> Domains { get; set; } = [];
    public TenantStatus Status { get; set; }
    public string Plan { get; set; } = "standard";
    public int MaxConcurrentCalls { get; set; } = 10;
    public int MaxRooms { get; set; } = 20;
    public DateTime CreatedUtc { get; set; }
    public long Version { get; set; }
}

/// <summary>Roles, from the provider's staff down to a tenant's staff.</summary>
public static class Roles
{
    public const string MasterAdmin = "master-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string TenantUser = "tenant-user";

    /// <summary>True for a role name this system knows.</summary>
    public static bool IsKnown(string? role) => role is MasterAdmin or TenantAdmin or TenantUser;
}

/// <summary>A person who signs in to the API: a master admin (no tenant) or a tenant's admin or user.</summary>
public sealed class User : IEntity, IVersioned
{
    public Guid Id { get; set; }
    /// <summary>Null for master admins (provider staff).</summary>
    public Guid? TenantId { get; set; }
    public required string Email { get; set; }
    public required string Role { get; set; }
    /// <summary>PBKDF2 hash in the self-describing form of <c>PasswordHasher</c>.</summary>
    public required string PasswordHash { get; set; }
    public bool Disabled { get; set; }
    public int FailedLogins { get; set; }
    public DateTime? LockedUntilUtc { get; set; }
    public DateTime CreatedUtc { get; set; }
    public long Version { get; set; }
}

/// <summary>A refresh token (stored as its SHA-256 hash), rotated on every use.</summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string TokenHash { get; set; }
    public DateTime ExpiresUtc { get; set; }
    public DateTime? UsedUtc { get; set; }
}

/// <summary>An API key of a tenant; only its SHA-256 hash and a short prefix are stored.</summary>
public sealed class ApiKey : IEntity, ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required string KeyHash { get; set; }
    public required string Role { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }
    public long Version { get; set; }
}

/// <summary>A key/value row for system state such as the token signing key.</summary>
public sealed class SystemSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}

/// <summary>One change written by anyone, kept for the tenant and the provider.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public Guid? TenantId { get; set; }
    public DateTime TimestampUtc { get; set; }
    public string? Actor { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public string? Changes { get; set; }
}

/// <summary>The stored outcome of a creating POST, replayed when the same Idempotency-Key comes again.</summary>
public sealed class IdempotencyRecord
{
    public Guid Id { get; set; }
    /// <summary>Tenant id, or <see cref="Guid.Empty"/> for provider-level requests.</summary>
    public Guid Scope { get; set; }
    public required string Key { get; set; }
    public required string Path { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public required string ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTime CreatedUtc { get; set; }
}

/// <summary>One metered unit of use (call minutes, ASR/TTS seconds, characters translated).</summary>
public sealed class UsageRecord : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public DateTime TimestampUtc { get; set; }
    public required string Kind { get; set; }
    public decimal Quantity { get; set; }
    public required string Unit { get; set; }
    public string? CallId { get; set; }
}
