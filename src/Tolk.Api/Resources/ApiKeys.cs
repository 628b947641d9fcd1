using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>Create body of an API key.</summary>
public sealed record ApiKeyRequest(string? Name, string? Role);

/// <summary>An API key as listed (the key itself is never returned again).</summary>
public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, string Role, DateTime CreatedUtc, bool Revoked, long Version);

/// <summary>The create response: carries the key, shown this once.</summary>
public sealed record CreatedApiKeyDto(Guid Id, string Name, string Prefix, string Role, DateTime CreatedUtc, string Key, long Version);

internal static class ApiKeys
{
    private static ApiKeyDto ToDto(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Role, k.CreatedUtc, k.RevokedUtc is not null, k.Version);

    public static ResourceSpec<ApiKey, ApiKeyRequest> Spec { get; } = new()
    {
        Path = "api-keys",
        Tag = "ApiKeys",
        Singular = "ApiKey",
        Query = db => db.ApiKeys,
        ToDto = ToDto,
        ReadPolicy = Auth.Policies.TenantAdmin,
        Validate = (r, _, v, _) =>
        {
            v.Required("name", r.Name, Limits.Name);
            if (r.Role is not (null or Roles.TenantAdmin or Roles.TenantUser))
            {
                v.Add("role", "The role must be 'tenant-admin' or 'tenant-user'.");
            }

            return Task.CompletedTask;
        },
        Create = (r, ctx) =>
        {
            var (entity, key) = TenantAdminService.NewApiKey(ctx.TenantId, r.Name!.Trim(), r.Role ?? Roles.TenantAdmin, ctx.Time);
            ctx.Extra["key"] = key;
            return entity;
        },
        CreatedDto = (k, ctx) => new CreatedApiKeyDto(k.Id, k.Name, k.Prefix, k.Role, k.CreatedUtc, ctx.Extra["key"], k.Version),
        // A replayed create must not disclose the key a second time.
        ReplayDto = ToDto,
        Delete = (k, ctx) => k.RevokedUtc ??= ctx.Time.GetUtcNow().UtcDateTime,
        Search = (q, s) => q.Where(k => k.Name.Contains(s)),
        Order = q => q.OrderBy(k => k.CreatedUtc),
    };
}
