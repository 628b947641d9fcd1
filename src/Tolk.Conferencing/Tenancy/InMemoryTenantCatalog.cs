using System.Collections.Concurrent;
using Tolk.Sip.Auth;

namespace Tolk.Conferencing.Tenancy;

/// <summary>
/// A tenant catalog held in memory: what `tolk serve` uses for its built-in demo tenant when no
/// database-backed directory is wired, and what tests use to build tenants quickly.
/// </summary>
public sealed class InMemoryTenantCatalog : ITenantCatalog
{
    private readonly ConcurrentDictionary<string, TenantInfo> _byDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(Guid, string), SipAccountInfo> _accounts = new();
    private readonly ConcurrentDictionary<(Guid, string), RoomInfo> _rooms = new();
    private readonly ConcurrentDictionary<(Guid, Guid), VoiceProfileInfo> _voices = new();
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<TrunkInfo>> _trunks = new();

    public TenantInfo AddTenant(string name, params string[] domains)
    {
        var tenant = new TenantInfo(Guid.NewGuid(), name, domains[0], domains, Enabled: true);
        foreach (var d in domains)
        {
            _byDomain[d] = tenant;
        }
        return tenant;
    }

    public void SetEnabled(TenantInfo tenant, bool enabled)
    {
        var updated = tenant with { Enabled = enabled };
        foreach (var d in tenant.Domains)
        {
            _byDomain[d] = updated;
        }
    }

    /// <summary>Adds an account, storing only its HA1 hashes for the tenant's realm.</summary>
    public void AddAccount(TenantInfo tenant, string username, string password, string? language = null, string? voice = null) =>
        _accounts[(tenant.Id, username)] = new SipAccountInfo(
            username,
            SipCredential.ComputeHa1(username, tenant.Realm, password, DigestAlgorithm.Md5),
            SipCredential.ComputeHa1(username, tenant.Realm, password, DigestAlgorithm.Sha256),
            Language: language,
            Voice: voice);

    /// <summary>Adds a voice profile of the tenant.</summary>
    public void AddVoiceProfile(TenantInfo tenant, VoiceProfileInfo voice) => _voices[(tenant.Id, voice.Id)] = voice;

    /// <summary>Adds a trunk from the tenant's PBX.</summary>
    public void AddTrunk(TenantInfo tenant, TrunkInfo trunk) =>
        _trunks.AddOrUpdate(tenant.Id, [trunk], (_, list) => [.. list, trunk]);

    public void AddRoom(TenantInfo tenant, RoomInfo room) => _rooms[(tenant.Id, room.Extension)] = room;

    public TenantInfo? FindByDomain(string domain) => _byDomain.TryGetValue(domain, out var t) ? t : null;

    public SipAccountInfo? FindAccount(Guid tenantId, string username) => _accounts.TryGetValue((tenantId, username), out var a) ? a : null;

    public RoomInfo? FindRoom(Guid tenantId, string extension) => _rooms.TryGetValue((tenantId, extension), out var r) ? r : null;

    public VoiceProfileInfo? FindVoiceProfile(Guid tenantId, Guid voiceProfileId) => _voices.TryGetValue((tenantId, voiceProfileId), out var v) ? v : null;

    public IReadOnlyList<TrunkInfo> GetTrunks(Guid tenantId) => _trunks.TryGetValue(tenantId, out var t) ? t : [];
}
