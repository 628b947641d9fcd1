using Microsoft.EntityFrameworkCore;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>A language of a room and its default voice (a built-in <c>espeak:&lt;lang&gt;</c> voice or a voice profile id).</summary>
public sealed record RoomLanguageDto(string? Code, string? Voice);

/// <summary>Maps a participant by extension or caller number to a language and voice.</summary>
public sealed record ParticipantMappingDto(string? Extension, string? CallerNumber, string? Language, string? Voice);

/// <summary>Create/replace body of a room.</summary>
public sealed record RoomRequest(
    string? Name, string? Extension, List<RoomLanguageDto>? Languages, int? DelayMs, int? OriginalMixPercent,
    bool? EmotionAlerts, double? EmotionThreshold, List<ParticipantMappingDto>? Participants, List<string>? HintPhrases,
    bool? RequireSrtp, string? Pin, bool? RequireAuth, List<string>? EmotionLabels = null);

/// <summary>A room as returned by the API.</summary>
public sealed record RoomDto(
    Guid Id, string Name, string Extension, IReadOnlyList<RoomLanguageDto> Languages, int DelayMs, int OriginalMixPercent,
    bool EmotionAlerts, double EmotionThreshold, IReadOnlyList<ParticipantMappingDto> Participants, IReadOnlyList<string> HintPhrases,
    bool RequireSrtp, bool HasPin, bool RequireAuth, long Version, IReadOnlyList<string> EmotionLabels);

internal static class Rooms
{
    public const int MaxDelayMs = 10_000;
    public const int MaxLanguages = 16;

    public static ResourceSpec<Room, RoomRequest> Spec { get; } = new()
    {
        Path = "rooms",
        Tag = "Rooms",
        Singular = "Room",
        Query = db => db.Rooms,
        ToDto = ToDto,
        Validate = ValidateAsync,
        Create = (r, ctx) => Apply(r, new Room { Id = Guid.NewGuid(), TenantId = ctx.TenantId, Name = "", Extension = "" }),
        Update = (r, e, _) => Apply(r, e),
        Search = (q, s) => q.Where(r => r.Name.Contains(s) || r.Extension == s),
        Order = q => q.OrderBy(r => r.Extension),
    };

    private static RoomDto ToDto(Room r) => new(
        r.Id, r.Name, r.Extension, r.Languages.Select(l => new RoomLanguageDto(l.Code, l.Voice)).ToList(), r.DelayMs,
        r.OriginalMixPercent, r.EmotionAlerts, r.EmotionThreshold,
        r.Participants.Select(p => new ParticipantMappingDto(p.Extension, p.CallerNumber, p.Language, p.Voice)).ToList(),
        r.HintPhrases, r.RequireSrtp, r.Pin is not null, r.RequireAuth, r.Version, r.EmotionLabels);

    private static Room Apply(RoomRequest r, Room e)
    {
        e.Name = r.Name!.Trim();
        e.Extension = r.Extension!;
        e.Languages = r.Languages!.Select(l => new RoomLanguage { Code = l.Code!, Voice = l.Voice }).ToList();
        e.DelayMs = r.DelayMs ?? 0;
        e.OriginalMixPercent = r.OriginalMixPercent ?? 0;
        e.EmotionAlerts = r.EmotionAlerts ?? false;
        e.EmotionThreshold = r.EmotionThreshold ?? 0;
        e.EmotionLabels = (r.EmotionLabels ?? []).Select(l => l.Trim().ToLowerInvariant()).Distinct().ToList();
        e.Participants = (r.Participants ?? []).Select(p => new ParticipantMapping
        {
            Extension = p.Extension, CallerNumber = p.CallerNumber, Language = p.Language!, Voice = p.Voice,
        }).ToList();
        e.HintPhrases = r.HintPhrases ?? [];
        e.RequireSrtp = r.RequireSrtp ?? false;
        e.Pin = string.IsNullOrEmpty(r.Pin) ? null : r.Pin;
        e.RequireAuth = r.RequireAuth ?? false;
        return e;
    }

    private static async Task ValidateAsync(RoomRequest r, RequestContext ctx, Validator v, Room? existing)
    {
        v.Required("name", r.Name, Limits.Name);
        v.Extension("extension", r.Extension, required: true);
        if (existing is null)
        {
            // The plan's room limit (Tenant.MaxRooms), counted inside the tenant scope.
            var max = await ctx.Db.Tenants.Where(t => t.Id == ctx.TenantId).Select(t => t.MaxRooms).FirstAsync();
            if (await ctx.Db.Rooms.CountAsync() >= max)
            {
                v.Add("tenant", $"The tenant's plan allows at most {max} rooms.");
            }
        }

        if (r.Extension is not null && await ctx.Db.Rooms.AnyAsync(x => x.Extension == r.Extension && (existing == null || x.Id != existing.Id)))
        {
            v.Add("extension", "Another room already uses this extension.");
        }

        if (r.Languages is null || r.Languages.Count == 0)
        {
            v.Add("languages", "At least one language is required.");
        }
        else if (r.Languages.Count > MaxLanguages)
        {
            v.Add("languages", $"At most {MaxLanguages} languages.");
        }
        else
        {
            for (var i = 0; i < r.Languages.Count; i++)
            {
                var l = r.Languages[i];
                if (l is null)
                {
                    v.Add($"languages[{i}]", "The entry is required.");
                    continue;
                }

                v.Language($"languages[{i}].code", l.Code);
                await VoiceEndpoints.ValidateVoiceAsync(ctx, v, $"languages[{i}].voice", l.Voice);
            }

            if (r.Languages.Where(l => l?.Code is not null).GroupBy(l => l.Code!.ToLowerInvariant()).Any(g => g.Count() > 1))
            {
                v.Add("languages", "Each language may appear once.");
            }
        }

        if (r.DelayMs is { } d)
        {
            v.Range("delayMs", d, 0, MaxDelayMs);
        }

        if (r.OriginalMixPercent is { } m)
        {
            v.Range("originalMixPercent", m, 0, 100);
        }

        if (r.EmotionThreshold is { } t)
        {
            v.Range("emotionThreshold", t, 0, 1);
        }

        for (var i = 0; i < (r.EmotionLabels?.Count ?? 0); i++)
        {
            if (r.EmotionLabels![i]?.Trim().ToLowerInvariant() is not ("angry" or "fearful" or "sad"))
            {
                v.Add($"emotionLabels[{i}]", "Alerts are raised on angry, fearful or sad.");
            }
        }

        for (var i = 0; i < (r.Participants?.Count ?? 0); i++)
        {
            var p = r.Participants![i];
            if (p is null || (p.Extension is null && p.CallerNumber is null))
            {
                v.Add($"participants[{i}]", "Give an extension or a callerNumber.");
                continue;
            }

            v.Extension($"participants[{i}].extension", p.Extension, required: false);
            v.MaxLength($"participants[{i}].callerNumber", p.CallerNumber, 32);
            v.Language($"participants[{i}].language", p.Language);
            await VoiceEndpoints.ValidateVoiceAsync(ctx, v, $"participants[{i}].voice", p.Voice);
        }

        if (r.HintPhrases is { } hints)
        {
            if (hints.Count > 500)
            {
                v.Add("hintPhrases", "At most 500 phrases.");
            }

            for (var i = 0; i < Math.Min(hints.Count, 500); i++)
            {
                v.Required($"hintPhrases[{i}]", hints[i], Limits.Name);
            }
        }

        if (r.Pin is { Length: > 0 } pin && (pin.Length > 12 || !pin.All(char.IsAsciiDigit)))
        {
            v.Add("pin", "The PIN must be 1 to 12 digits.");
        }
    }
}
