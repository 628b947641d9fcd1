using System.Security.Claims;

namespace Tolk.Api.Auth;

/// <summary>Claim names and principal helpers.</summary>
public static class TolkClaims
{
    /// <summary>Subject: the user id, or the API key id for key principals.</summary>
    public const string Subject = "sub";
    /// <summary>The tenant a principal belongs to (absent for master admins).</summary>
    public const string TenantId = "tid";
    /// <summary>The role.</summary>
    public const string Role = "role";
    /// <summary>How the principal authenticated: "password" or "apikey".</summary>
    public const string Method = "amr";

    /// <summary>The principal's tenant, or null.</summary>
    public static Guid? Tenant(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TenantId), out var id) ? id : null;

    /// <summary>The principal's role.</summary>
    public static string? RoleOf(this ClaimsPrincipal principal) => principal.FindFirstValue(Role);
}
