using Tolk.Data.Entities;

namespace Tolk.Data.Directory;

/// <summary>
/// A tenant as the SIP host sees it. <c>Realm</c> is the digest realm (the tenant's first SIP domain);
/// <c>Enabled</c> is false for a disabled tenant, whose calls the SIP host answers with 403.
/// </summary>
public sealed record TenantEntry(Guid Id, string Name, IReadOnlyList<string> Domains, string Realm, bool Enabled, int MaxConcurrentCalls);

/// <summary>SIP digest credentials (HA1 hashes, never the password) of one account.</summary>
public sealed record SipAccountEntry(
    Guid Id, Guid TenantId, string Username, string? Extension, string? DisplayName, string Realm,
    string Ha1Md5, string Ha1Sha256, string? Language, bool Enabled, string? Voice = null);

/// <summary>A room profile as the conferencing layer needs it.</summary>
public sealed record RoomEntry(
    Guid Id, Guid TenantId, string Name, string Extension, IReadOnlyList<RoomLanguage> Languages,
    IReadOnlyList<ParticipantMapping> Participants, int DelayMs, int OriginalMixPercent, bool EmotionAlerts,
    double EmotionThreshold, IReadOnlyList<string> HintPhrases, bool RequireSrtp, string? Pin, bool RequireAuth,
    IReadOnlyList<string> EmotionLabels);

/// <summary>
/// A trained (ready) voice profile: the measurements of the uploaded samples, never the samples themselves.
/// </summary>
/// <param name="Id">The profile's id.</param>
/// <param name="TenantId">The owning tenant.</param>
/// <param name="Language">The samples' language (BCP 47).</param>
/// <param name="MedianPitchHz">Median pitch of the samples, when measured.</param>
/// <param name="SpeakingRate">Syllables per second of the samples, when measured.</param>
/// <param name="ProviderVoiceId">The voice at a synthesiser (a cloud clone, or <c>local:&lt;id&gt;</c>), when set.</param>
public sealed record VoiceProfileEntry(Guid Id, Guid TenantId, string Language, double? MedianPitchHz, double? SpeakingRate, string? ProviderVoiceId);

/// <summary>A DID and where its calls go.</summary>
public sealed record NumberEntry(Guid Id, Guid TenantId, string Did, NumberTargetType TargetType, string? Target, bool TenantEnabled);

/// <summary>A trunk from a customer PBX.</summary>
public sealed record TrunkEntry(Guid Id, Guid TenantId, string Name, string? Domain, IReadOnlyList<string> AllowedAddresses, string? TlsFingerprint, bool Enabled);

/// <summary>Raised after the snapshot was rebuilt because data changed.</summary>
public sealed class DirectoryChangedEventArgs(long generation) : EventArgs
{
    /// <summary>The generation of the new snapshot.</summary>
    public long Generation { get; } = generation;
}

/// <summary>
/// The read side the SIP host uses for every call: in-memory, rebuilt whenever the management API
/// (or the CLI) saves a change, so changes take effect without a restart. Lookups are case-insensitive
/// for domains and never touch the database unless a change is pending.
/// </summary>
public interface ITenantDirectory
{
    /// <summary>Raised after a change has been loaded into the snapshot.</summary>
    event EventHandler<DirectoryChangedEventArgs>? DirectoryChanged;

    /// <summary>Increases with every rebuilt snapshot.</summary>
    long Generation { get; }

    /// <summary>The tenant that owns a SIP domain (enabled or not), or null.</summary>
    TenantEntry? FindTenantByDomain(string domain);

    /// <summary>A tenant by id, or null.</summary>
    TenantEntry? FindTenant(Guid tenantId);

    /// <summary>A SIP account of a tenant by username, or null.</summary>
    SipAccountEntry? FindSipAccount(Guid tenantId, string username);

    /// <summary>A SIP account of a tenant by its extension, or null.</summary>
    SipAccountEntry? FindSipAccountByExtension(Guid tenantId, string extension);

    /// <summary>A room of a tenant by its dial-in extension, or null.</summary>
    RoomEntry? FindRoomByExtension(Guid tenantId, string extension);

    /// <summary>A room by id, or null.</summary>
    RoomEntry? FindRoom(Guid tenantId, Guid roomId);

    /// <summary>
    /// A ready voice profile of a tenant, or null (unknown, another tenant's, or still pending, training or failed).
    /// </summary>
    VoiceProfileEntry? FindVoiceProfile(Guid tenantId, Guid voiceProfileId);

    /// <summary>A number by DID (E.164, with or without '+'), or null.</summary>
    NumberEntry? FindNumber(string did);

    /// <summary>The trunks of a tenant.</summary>
    IReadOnlyList<TrunkEntry> GetTrunks(Guid tenantId);

    /// <summary>Reloads now (normally not needed: saves invalidate automatically).</summary>
    Task RefreshAsync(CancellationToken cancellationToken = default);
}
