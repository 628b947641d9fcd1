namespace Tolk.Conferencing.Tenancy;

/// <summary>
/// What the SIP host needs to know about tenants, read from the management plane's live snapshot.
/// Every lookup is scoped to one tenant by construction: there is no way to ask for "extension 5000"
/// without saying whose.
/// </summary>
public interface ITenantCatalog
{
    /// <summary>The tenant that owns a SIP domain (case-insensitive), or null.</summary>
    TenantInfo? FindByDomain(string domain);

    /// <summary>A SIP account of the tenant, with its stored digest hashes, or null.</summary>
    SipAccountInfo? FindAccount(Guid tenantId, string username);

    /// <summary>A conference room of the tenant reached by an extension, or null.</summary>
    RoomInfo? FindRoom(Guid tenantId, string extension);
}

/// <summary>A tenant as the SIP host sees it. <see cref="Realm"/> is the digest realm (its primary domain).</summary>
public sealed record TenantInfo(Guid Id, string Name, string Realm, IReadOnlyList<string> Domains, bool Enabled);

/// <summary>
/// A SIP account's stored credentials: HA1 = H(username:realm:password) for MD5 and SHA-256 (RFC 8760),
/// never the password itself.
/// </summary>
/// <param name="Username">The SIP user name.</param>
/// <param name="Ha1Md5">H(username:realm:password) with MD5.</param>
/// <param name="Ha1Sha256">The same with SHA-256.</param>
/// <param name="Enabled">False for a disabled account.</param>
/// <param name="Language">The account holder's language (BCP 47), used in rooms without a mapping for them.</param>
public sealed record SipAccountInfo(string Username, string Ha1Md5, string Ha1Sha256, bool Enabled = true, string? Language = null);

/// <summary>A conference room profile (the parts the call path needs).</summary>
public sealed record RoomInfo(
    Guid Id,
    string Extension,
    string Name,
    bool RequireAuthentication = false,
    string? Pin = null,
    bool RequireSrtp = false,
    IReadOnlyList<RoomLanguage>? Languages = null,
    int DelayMs = 0,
    int OriginalMixPercent = 0,
    IReadOnlyList<RoomParticipantLanguage>? ParticipantLanguages = null);

/// <summary>
/// A room profile's language mapping: a participant reached by <see cref="Extension"/> (authenticated user
/// or its extension) or calling from <see cref="CallerNumber"/> speaks <see cref="Language"/>.
/// </summary>
public sealed record RoomParticipantLanguage(string? Extension, string? CallerNumber, string Language, string? Voice = null);

/// <summary>A language of a room, with its default synthesis voice.</summary>
public sealed record RoomLanguage(string Code, string? Voice = null);
