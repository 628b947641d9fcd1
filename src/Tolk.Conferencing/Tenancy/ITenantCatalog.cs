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

    /// <summary>
    /// A voice profile of the tenant (measured from uploaded samples), or null when unknown or when the catalog
    /// has no voice profiles.
    /// </summary>
    VoiceProfileInfo? FindVoiceProfile(Guid tenantId, Guid voiceProfileId) => null;

    /// <summary>The tenant's enabled trunks from its own PBXs (none when the catalog has no trunks).</summary>
    IReadOnlyList<TrunkInfo> GetTrunks(Guid tenantId) => [];
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
/// <param name="Voice">The account holder's voice: a voice profile id, or a built-in <c>espeak:&lt;lang&gt;</c> voice.</param>
public sealed record SipAccountInfo(string Username, string Ha1Md5, string Ha1Sha256, bool Enabled = true, string? Language = null, string? Voice = null);

/// <summary>A conference room profile (the parts the call path needs).</summary>
/// <param name="Id">The room's id.</param>
/// <param name="Extension">The dial-in extension.</param>
/// <param name="Name">The room's name.</param>
/// <param name="RequireAuthentication">Only authenticated callers may join.</param>
/// <param name="Pin">The PIN asked in the lobby, or null.</param>
/// <param name="RequireSrtp">Only SRTP calls may join.</param>
/// <param name="Languages">The room's languages (two or more: translated).</param>
/// <param name="DelayMs">Delay buffer of translated speech.</param>
/// <param name="OriginalMixPercent">Level of the original speech under its translation.</param>
/// <param name="ParticipantLanguages">Language (and voice) mapping of known participants.</param>
/// <param name="EmotionAlerts">When to raise emotion alerts; null: never.</param>
/// <param name="HintPhrases">Room vocabulary for the recognisers.</param>
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
    IReadOnlyList<RoomParticipantLanguage>? ParticipantLanguages = null,
    EmotionAlertSettings? EmotionAlerts = null,
    IReadOnlyList<string>? HintPhrases = null);

/// <summary>
/// A room profile's emotion alerts: an utterance whose emotion is one of <see cref="Labels"/> with a score of at
/// least <see cref="Threshold"/> raises an alert.
/// </summary>
/// <param name="Threshold">Lowest score (0–1) that alerts; values outside (0, 1] mean <see cref="DefaultThreshold"/>.</param>
/// <param name="Labels">Labels that alert; null or empty means anger only.</param>
public sealed record EmotionAlertSettings(double Threshold = EmotionAlertSettings.DefaultThreshold, IReadOnlyList<Tolk.Speech.EmotionLabel>? Labels = null)
{
    /// <summary>
    /// The threshold used when none (or an invalid one) is set. A score is the label's share of the detector's
    /// scores over all six labels; the prosody detector keeps anger and fear close together, so even prototypical
    /// anger scores ≈ 0.57 there. At 0.5 the label outweighs all the others combined.
    /// </summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>The threshold in effect.</summary>
    public double EffectiveThreshold => Threshold is > 0 and <= 1 ? Threshold : DefaultThreshold;

    /// <summary>The labels in effect (negative emotions only: a positive label is ignored).</summary>
    public IReadOnlyList<Tolk.Speech.EmotionLabel> EffectiveLabels
    {
        get
        {
            var negative = (Labels ?? []).Where(l => l is Tolk.Speech.EmotionLabel.Angry or Tolk.Speech.EmotionLabel.Fearful or Tolk.Speech.EmotionLabel.Sad).Distinct().ToList();
            return negative.Count == 0 ? [Tolk.Speech.EmotionLabel.Angry] : negative;
        }
    }
}

/// <summary>
/// A voice profile measured from a speaker's uploaded samples: the synthetic voice that speaks for them follows
/// these values instead of the live estimate.
/// </summary>
/// <param name="Id">The profile's id.</param>
/// <param name="Language">The sample's language.</param>
/// <param name="MedianPitchHz">Median pitch of the samples, when measured.</param>
/// <param name="SyllablesPerSecond">Speaking rate of the samples, when measured.</param>
/// <param name="ProviderVoiceId">A cloned voice at a cloud synthesiser, when one was trained.</param>
public sealed record VoiceProfileInfo(Guid Id, string Language, double? MedianPitchHz, double? SyllablesPerSecond, string? ProviderVoiceId = null);

/// <summary>
/// A room profile's language mapping: a participant reached by <see cref="Extension"/> (authenticated user
/// or its extension) or calling from <see cref="CallerNumber"/> speaks <see cref="Language"/>.
/// </summary>
public sealed record RoomParticipantLanguage(string? Extension, string? CallerNumber, string Language, string? Voice = null);

/// <summary>A language of a room, with its default synthesis voice.</summary>
public sealed record RoomLanguage(string Code, string? Voice = null);
