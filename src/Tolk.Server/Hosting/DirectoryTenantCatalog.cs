using Tolk.Conferencing.Tenancy;
using Tolk.Data.Directory;

namespace Tolk.Server.Hosting;

/// <summary>
/// The SIP host's view of the management plane's live directory: every lookup reads the in-memory
/// snapshot that the API rebuilds on each change, so new accounts, rooms and disabled tenants take
/// effect on the next request without a restart. That includes voice profiles: one becomes usable as soon as its
/// training has finished (only ready profiles are in the snapshot).
/// </summary>
public sealed class DirectoryTenantCatalog(ITenantDirectory directory) : ITenantCatalog
{
    public TenantInfo? FindByDomain(string domain) =>
        directory.FindTenantByDomain(domain) is { } t ? new TenantInfo(t.Id, t.Name, t.Realm, t.Domains, t.Enabled) : null;

    /// <summary>An account by username, or by its numeric extension (bob is also 1002).</summary>
    public SipAccountInfo? FindAccount(Guid tenantId, string username)
    {
        var account = directory.FindSipAccount(tenantId, username) ?? directory.FindSipAccountByExtension(tenantId, username);
        return account is null ? null : new SipAccountInfo(account.Username, account.Ha1Md5, account.Ha1Sha256, account.Enabled, account.Language, account.Voice);
    }

    public RoomInfo? FindRoom(Guid tenantId, string extension)
    {
        var r = directory.FindRoomByExtension(tenantId, extension);
        return r is null
            ? null
            : new RoomInfo(
                r.Id,
                r.Extension,
                r.Name,
                r.RequireAuth,
                r.Pin,
                r.RequireSrtp,
                r.Languages.Select(l => new Conferencing.Tenancy.RoomLanguage(l.Code, l.Voice)).ToList(),
                r.DelayMs,
                r.OriginalMixPercent,
                r.Participants
                    .Where(m => !string.IsNullOrWhiteSpace(m.Language))
                    .Select(m => new RoomParticipantLanguage(m.Extension, m.CallerNumber, m.Language, m.Voice))
                    .ToList(),
                r.EmotionAlerts ? new EmotionAlertSettings(r.EmotionThreshold, AlertLabels(r.EmotionLabels)) : null,
                r.HintPhrases.Count > 0 ? r.HintPhrases : null);
    }

    // Stored labels were validated by the API; anything unknown is skipped rather than failing the room.
    private static List<Speech.EmotionLabel> AlertLabels(IReadOnlyList<string> labels) =>
        [.. labels.Select(l => Enum.TryParse<Speech.EmotionLabel>(l, ignoreCase: true, out var label) ? label : (Speech.EmotionLabel?)null).OfType<Speech.EmotionLabel>()];

    /// <summary>A ready voice profile of the tenant (measured from uploaded samples), or null.</summary>
    public VoiceProfileInfo? FindVoiceProfile(Guid tenantId, Guid voiceProfileId) =>
        directory.FindVoiceProfile(tenantId, voiceProfileId) is { } v
            ? new VoiceProfileInfo(v.Id, v.Language, v.MedianPitchHz, v.SpeakingRate, v.ProviderVoiceId)
            : null;

    /// <summary>The tenant's enabled trunks (a disabled trunk, or one of a disabled tenant, admits nothing).</summary>
    public IReadOnlyList<TrunkInfo> GetTrunks(Guid tenantId) =>
        [.. directory.GetTrunks(tenantId).Where(t => t.Enabled).Select(t => new TrunkInfo(t.Id, t.Name, t.AllowedAddresses, t.TlsFingerprint, t.Domain))];
}
