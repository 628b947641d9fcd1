using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>Create/replace body of a trunk: a domain and/or an address allow-list, optional TLS pin.</summary>
public sealed record TrunkRequest(string? Name, string? Domain, List<string>? AllowedAddresses, string? TlsFingerprint, bool? Disabled);

/// <summary>A trunk as returned by the API.</summary>
public sealed record TrunkDto(Guid Id, string Name, string? Domain, IReadOnlyList<string> AllowedAddresses, string? TlsFingerprint, bool Disabled, long Version);

internal static class Trunks
{
    public static ResourceSpec<Trunk, TrunkRequest> Spec { get; } = new()
    {
        Path = "trunks",
        Tag = "Trunks",
        Singular = "Trunk",
        Query = db => db.Trunks,
        ToDto = t => new TrunkDto(t.Id, t.Name, t.Domain, t.AllowedAddresses, t.TlsFingerprint, t.Disabled, t.Version),
        Validate = (r, _, v, _) =>
        {
            v.Required("name", r.Name, Limits.Name);
            if (r.Domain is not null)
            {
                v.Domain("domain", r.Domain);
            }

            if (r.Domain is null && (r.AllowedAddresses is null || r.AllowedAddresses.Count == 0))
            {
                v.Add("allowedAddresses", "Give a domain or at least one allowed address.");
            }

            if (r.AllowedAddresses is { Count: > 100 })
            {
                v.Add("allowedAddresses", "At most 100 addresses.");
            }
            else
            {
                for (var i = 0; i < (r.AllowedAddresses?.Count ?? 0); i++)
                {
                    v.AddressOrCidr($"allowedAddresses[{i}]", r.AllowedAddresses![i]);
                }
            }

            v.Fingerprint("tlsFingerprint", r.TlsFingerprint);
            return Task.CompletedTask;
        },
        Create = (r, ctx) => Apply(r, new Trunk { Id = Guid.NewGuid(), TenantId = ctx.TenantId, Name = "" }),
        Update = (r, e, _) => Apply(r, e),
        Search = (q, s) => q.Where(t => t.Name.Contains(s)),
        Order = q => q.OrderBy(t => t.Name),
    };

    private static Trunk Apply(TrunkRequest r, Trunk e)
    {
        e.Name = r.Name!.Trim();
        e.Domain = r.Domain?.ToLowerInvariant();
        e.AllowedAddresses = [.. (r.AllowedAddresses ?? []).Select(Validator.CanonicalAddress)];
        e.TlsFingerprint = r.TlsFingerprint?.ToUpperInvariant();
        e.Disabled = r.Disabled ?? false;
        return e;
    }
}
