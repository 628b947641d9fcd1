using Microsoft.EntityFrameworkCore;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Api.Resources;

/// <summary>
/// Create/replace body of a SIP account. On replace, a null password keeps the current hashes. <c>Voice</c> is the
/// account holder's synthetic voice in translated rooms: a voice profile id of the tenant or <c>espeak:&lt;lang&gt;</c>.
/// </summary>
public sealed record SipAccountRequest(string? Username, string? Password, string? Extension, string? DisplayName, string? Language, bool? Disabled, string? Voice = null);

/// <summary>A SIP account as returned by the API (never a password or hash).</summary>
public sealed record SipAccountDto(Guid Id, string Username, string? Extension, string? DisplayName, string Realm, string? Language, bool Disabled, long Version, string? Voice);

internal static class SipAccounts
{
    public static ResourceSpec<SipAccount, SipAccountRequest> Spec { get; } = new()
    {
        Path = "sip-accounts",
        Tag = "SipAccounts",
        Singular = "SipAccount",
        Query = db => db.SipAccounts,
        ToDto = a => new SipAccountDto(a.Id, a.Username, a.Extension, a.DisplayName, a.Realm, a.Language, a.Disabled, a.Version, a.Voice),
        Validate = ValidateAsync,
        Create = (r, ctx) =>
        {
            var tenant = ctx.Db.Tenants.AsNoTracking().First(t => t.Id == ctx.TenantId);
            var account = TenantAdminService.NewSipAccount(tenant, r.Username!, r.Password!);
            Apply(r, account);
            return account;
        },
        Update = (r, e, ctx) =>
        {
            if (r.Password is not null)
            {
                var realm = ctx.Db.Tenants.AsNoTracking().Where(t => t.Id == ctx.TenantId).Select(t => t.Domains).First()[0];
                e.Realm = realm;
                e.Ha1Md5 = DigestHashes.Md5Ha1(e.Username, realm, r.Password);
                e.Ha1Sha256 = DigestHashes.Sha256Ha1(e.Username, realm, r.Password);
            }

            Apply(r, e);
        },
        Search = (q, s) => q.Where(a => a.Username.Contains(s) || a.Extension == s),
        Order = q => q.OrderBy(a => a.Username),
    };

    private static void Apply(SipAccountRequest r, SipAccount e)
    {
        e.Extension = r.Extension;
        e.DisplayName = r.DisplayName;
        e.Language = r.Language;
        e.Disabled = r.Disabled ?? false;
        e.Voice = r.Voice;
    }

    private static async Task ValidateAsync(SipAccountRequest r, RequestContext ctx, Validator v, SipAccount? existing)
    {
        v.SipUser("username", r.Username);
        if (existing is not null && r.Username is not null && r.Username != existing.Username)
        {
            v.Add("username", "The username cannot change (the digest hashes depend on it); create a new account.");
        }
        else if (existing is null && r.Username is not null && await ctx.Db.SipAccounts.AnyAsync(a => a.Username == r.Username))
        {
            v.Add("username", "This username is already in use.");
        }

        if (existing is null || r.Password is not null)
        {
            v.Password("password", r.Password);
        }

        v.Extension("extension", r.Extension, required: false);
        if (r.Extension is not null
            && await ctx.Db.SipAccounts.AnyAsync(a => a.Extension == r.Extension && (existing == null || a.Id != existing.Id)))
        {
            v.Add("extension", "Another account already uses this extension.");
        }

        v.MaxLength("displayName", r.DisplayName, Limits.Name);
        v.Language("language", r.Language, required: false);
        await VoiceEndpoints.ValidateVoiceAsync(ctx, v, "voice", r.Voice);
    }
}
