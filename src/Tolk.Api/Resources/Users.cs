using Microsoft.EntityFrameworkCore;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Api.Resources;

/// <summary>Create/replace body of a user. On replace, a null password keeps the current one.</summary>
public sealed record UserRequest(string? Email, string? Password, string? Role, bool? Disabled);

/// <summary>A user as returned by the API (never the hash).</summary>
public sealed record UserDto(Guid Id, Guid? TenantId, string Email, string Role, bool Disabled, bool Locked, DateTime CreatedUtc, long Version);

internal static class Users
{
    public static UserDto ToDto(User u) =>
        new(u.Id, u.TenantId, u.Email, u.Role, u.Disabled, u.LockedUntilUtc is not null, u.CreatedUtc, u.Version);

    public static ResourceSpec<User, UserRequest> Spec { get; } = new()
    {
        Path = "users",
        Tag = "Users",
        Singular = "User",
        Query = db => db.Users,
        ToDto = ToDto,
        ReadPolicy = Auth.Policies.TenantAdmin,
        Validate = ValidateAsync,
        Create = (r, ctx) => new User
        {
            Id = Guid.NewGuid(),
            TenantId = ctx.TenantId,
            Email = r.Email!.Trim().ToLowerInvariant(),
            Role = r.Role!,
            Disabled = r.Disabled ?? false,
            PasswordHash = PasswordHasher.Hash(r.Password!),
            CreatedUtc = ctx.Time.GetUtcNow().UtcDateTime,
        },
        Update = (r, e, _) =>
        {
            e.Email = r.Email!.Trim().ToLowerInvariant();
            e.Role = r.Role!;
            e.Disabled = r.Disabled ?? false;
            if (r.Password is not null)
            {
                e.PasswordHash = PasswordHasher.Hash(r.Password);
                e.LockedUntilUtc = null;
                e.FailedLogins = 0;
            }
        },
        Search = (q, s) => q.Where(u => u.Email.Contains(s.ToLower()) || u.Role == s),
        Order = q => q.OrderBy(u => u.Email),
    };

    private static async Task ValidateAsync(UserRequest r, RequestContext ctx, Validator v, User? existing)
    {
        v.Email("email", r.Email);
        if (existing is null || r.Password is not null)
        {
            v.Password("password", r.Password);
        }

        if (r.Role is Roles.MasterAdmin)
        {
            v.Add("role", "Master admins are created on the provider endpoint POST /api/admins.");
        }
        else if (r.Role is not (Roles.TenantAdmin or Roles.TenantUser))
        {
            v.Add("role", "The role must be 'tenant-admin' or 'tenant-user'.");
        }

        if (r.Email is not null)
        {
            var email = r.Email.Trim().ToLowerInvariant();
            // E-mail is unique across all tenants (it is the sign-in name): check without the tenant filter.
            if (await ctx.Db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == email && (existing == null || u.Id != existing.Id)))
            {
                v.Add("email", "This e-mail address is already in use.");
            }
        }
    }
}
