using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Tolk.Data.Entities;

namespace Tolk.Data.Directory;

/// <summary>Who a signed-in user is, for per-request checks without a database round trip.</summary>
public sealed record UserPrincipalEntry(Guid Id, Guid? TenantId, string Role, bool Enabled);

/// <summary>A live API key, found by the SHA-256 of the presented key.</summary>
public sealed record ApiKeyEntry(Guid Id, Guid TenantId, string Role);

/// <summary>One immutable, consistent picture of the directory data.</summary>
internal sealed class DirectorySnapshot
{
    public static readonly DirectorySnapshot Empty = new();

    public FrozenDictionary<Guid, TenantEntry> Tenants { get; private init; } = FrozenDictionary<Guid, TenantEntry>.Empty;
    public FrozenDictionary<string, TenantEntry> TenantsByDomain { get; private init; } = FrozenDictionary<string, TenantEntry>.Empty;
    public FrozenDictionary<(Guid, string), SipAccountEntry> SipAccounts { get; private init; } = FrozenDictionary<(Guid, string), SipAccountEntry>.Empty;
    public FrozenDictionary<(Guid, string), SipAccountEntry> SipAccountsByExtension { get; private init; } = FrozenDictionary<(Guid, string), SipAccountEntry>.Empty;
    public FrozenDictionary<(Guid, string), RoomEntry> RoomsByExtension { get; private init; } = FrozenDictionary<(Guid, string), RoomEntry>.Empty;
    public FrozenDictionary<Guid, RoomEntry> Rooms { get; private init; } = FrozenDictionary<Guid, RoomEntry>.Empty;
    public FrozenDictionary<(Guid, Guid), VoiceProfileEntry> VoiceProfiles { get; private init; } = FrozenDictionary<(Guid, Guid), VoiceProfileEntry>.Empty;
    public FrozenDictionary<string, NumberEntry> Numbers { get; private init; } = FrozenDictionary<string, NumberEntry>.Empty;
    public FrozenDictionary<Guid, TrunkEntry[]> Trunks { get; private init; } = FrozenDictionary<Guid, TrunkEntry[]>.Empty;
    public FrozenDictionary<Guid, UserPrincipalEntry> Users { get; private init; } = FrozenDictionary<Guid, UserPrincipalEntry>.Empty;
    public FrozenDictionary<string, ApiKeyEntry> ApiKeys { get; private init; } = FrozenDictionary<string, ApiKeyEntry>.Empty;

    public static string NormalizeDid(string did) => did.StartsWith('+') ? did : "+" + did;

    public static async Task<DirectorySnapshot> LoadAsync(TolkDbContext db, CancellationToken ct)
    {
        var tenants = await db.Tenants.AsNoTracking().ToListAsync(ct);
        var tenantEntries = tenants.Select(t => new TenantEntry(
            t.Id, t.Name, t.Domains.ToArray(), t.Domains.FirstOrDefault() ?? string.Empty,
            t.Status == TenantStatus.Active, t.MaxConcurrentCalls)).ToDictionary(t => t.Id);
        bool Enabled(Guid tenantId) => tenantEntries.TryGetValue(tenantId, out var t) && t.Enabled;

        var accounts = (await db.SipAccounts.AsNoTracking().ToListAsync(ct)).Select(a => new SipAccountEntry(
            a.Id, a.TenantId, a.Username, a.Extension, a.DisplayName, a.Realm, a.Ha1Md5, a.Ha1Sha256, a.Language,
            !a.Disabled && Enabled(a.TenantId), a.Voice)).ToList();
        var rooms = (await db.Rooms.AsNoTracking().ToListAsync(ct)).Select(r => new RoomEntry(
            r.Id, r.TenantId, r.Name, r.Extension, r.Languages.ToArray(), r.Participants.ToArray(), r.DelayMs,
            r.OriginalMixPercent, r.EmotionAlerts, r.EmotionThreshold, r.HintPhrases.ToArray(), r.RequireSrtp, r.Pin,
            r.RequireAuth, r.EmotionLabels.ToArray())).ToList();
        // Ready profiles only, and only the measurements: the sample blobs stay in the database.
        var voices = await db.Voices.AsNoTracking().Where(v => v.Status == VoiceTrainingStatus.Ready)
            .Select(v => new VoiceProfileEntry(v.Id, v.TenantId, v.Language, v.MedianPitchHz, v.SpeakingRate, v.ProviderVoiceId))
            .ToListAsync(ct);
        var numbers = (await db.Numbers.AsNoTracking().ToListAsync(ct)).Select(n => new NumberEntry(
            n.Id, n.TenantId, n.Did, n.TargetType, n.Target, Enabled(n.TenantId))).ToList();
        var trunks = (await db.Trunks.AsNoTracking().ToListAsync(ct)).Select(t => new TrunkEntry(
            t.Id, t.TenantId, t.Name, t.Domain, t.AllowedAddresses.ToArray(), t.TlsFingerprint, !t.Disabled && Enabled(t.TenantId))).ToList();
        var users = (await db.Users.AsNoTracking().Select(u => new { u.Id, u.TenantId, u.Role, u.Disabled }).ToListAsync(ct))
            .Select(u => new UserPrincipalEntry(u.Id, u.TenantId, u.Role, !u.Disabled && (u.TenantId is not { } t || Enabled(t))));
        var keys = (await db.ApiKeys.AsNoTracking().Where(k => k.RevokedUtc == null)
            .Select(k => new { k.Id, k.TenantId, k.Role, k.KeyHash }).ToListAsync(ct))
            .Where(k => Enabled(k.TenantId));

        var byDomain = new Dictionary<string, TenantEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in tenantEntries.Values)
        {
            foreach (var d in t.Domains)
            {
                byDomain.TryAdd(d, t);
            }
        }

        return new DirectorySnapshot
        {
            Tenants = tenantEntries.ToFrozenDictionary(),
            TenantsByDomain = byDomain.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            SipAccounts = accounts.ToFrozenDictionary(a => (a.TenantId, a.Username)),
            SipAccountsByExtension = accounts.Where(a => a.Extension is not null)
                .DistinctBy(a => (a.TenantId, a.Extension!)).ToFrozenDictionary(a => (a.TenantId, a.Extension!)),
            RoomsByExtension = rooms.ToFrozenDictionary(r => (r.TenantId, r.Extension)),
            Rooms = rooms.ToFrozenDictionary(r => r.Id),
            VoiceProfiles = voices.ToFrozenDictionary(v => (v.TenantId, v.Id)),
            Numbers = numbers.ToFrozenDictionary(n => NormalizeDid(n.Did)),
            Trunks = trunks.GroupBy(t => t.TenantId).ToFrozenDictionary(g => g.Key, g => g.ToArray()),
            Users = users.ToFrozenDictionary(u => u.Id),
            ApiKeys = keys.ToFrozenDictionary(k => k.KeyHash, k => new ApiKeyEntry(k.Id, k.TenantId, k.Role)),
        };
    }
}
