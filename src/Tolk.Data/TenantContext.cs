namespace Tolk.Data;

/// <summary>
/// Who is acting, and in which tenant, for the current scope (one HTTP request, one CLI command).
/// When <see cref="TenantId"/> is set, every query on tenant-owned data is filtered to it by the
/// <see cref="TolkDbContext"/> global query filters: scoping is by construction, not by a remembered Where.
/// </summary>
public sealed class TenantContext
{
    /// <summary>The tenant this scope is confined to; null for provider-level or system work.</summary>
    public Guid? TenantId { get; private set; }

    /// <summary>Who makes the changes (for the audit log), e.g. "user:{id}", "apikey:{id}", "system".</summary>
    public string Actor { get; set; } = "system";

    /// <summary>Confines this scope to one tenant. A scope can be confined once only.</summary>
    public void Enter(Guid tenantId)
    {
        if (TenantId is { } current && current != tenantId)
        {
            throw new InvalidOperationException("This scope is already confined to another tenant.");
        }

        TenantId = tenantId;
    }
}
