using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Api.Voices;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>A voice profile as returned by the API; poll it until <c>status</c> is ready or failed.</summary>
public sealed record VoiceDto(
    Guid Id, string Name, string Language, VoiceTrainingStatus Status, string? StatusDetail, string? ProviderVoiceId,
    double? DurationSeconds, double? MedianPitchHz, double? SpeakingRate, DateTime CreatedUtc, long Version);

internal static class VoiceEndpoints
{
    /// <summary>Prefix of built-in voices: <c>espeak:&lt;language&gt;</c>.</summary>
    public const string BuiltInPrefix = "espeak:";

    public static VoiceDto ToDto(VoiceProfile v) => new(
        v.Id, v.Name, v.Language, v.Status, v.StatusDetail, v.ProviderVoiceId, v.DurationSeconds, v.MedianPitchHz,
        v.SpeakingRate, v.CreatedUtc, v.Version);

    /// <summary>A voice is a built-in <c>espeak:&lt;lang&gt;</c> voice or a voice profile id of this tenant.</summary>
    public static async Task ValidateVoiceAsync(RequestContext ctx, Validator v, string field, string? voice)
    {
        if (voice is null)
        {
            return;
        }

        if (voice.StartsWith(BuiltInPrefix, StringComparison.Ordinal))
        {
            var probe = new Validator();
            if (!probe.Language(field, voice[BuiltInPrefix.Length..]))
            {
                v.Add(field, "Unknown voice: a built-in voice is 'espeak:' followed by a language tag.");
            }

            return;
        }

        if (!Guid.TryParse(voice, out var id) || !await ctx.Db.Voices.AnyAsync(x => x.Id == id))
        {
            v.Add(field, "Unknown voice: use 'espeak:<language>' or the id of a voice profile of this tenant.");
        }
    }

    public static void Map(RouteGroupBuilder tenant)
    {
        var g = tenant.MapGroup("/voices").WithTags("Voices");
        // The form is read in the handler, not bound: bound form parameters add a content-type route
        // constraint that would answer 415 before the tenant check could answer 404.
        g.MapPost("", CreateAsync).RequireAuthorization(Policies.TenantAdmin).DisableAntiforgery().WithName("CreateVoice")
            .WithDescription("multipart/form-data with fields 'name', 'language' (BCP 47) and file 'sample' (16-bit PCM WAV). Answers 202; poll the Location until status is ready or failed.");
        g.MapGet("", ListAsync).RequireAuthorization(Policies.TenantMember).WithName("ListVoices");
        g.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.TenantMember).WithName("GetVoice");
        g.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.TenantAdmin).WithName("DeleteVoice");
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, TolkDbContext db, Guid tenantId, VoiceTrainingQueue queue, TolkApiOptions options, TimeProvider time, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return Problems.Field("body", "Send multipart/form-data with 'name', 'language' and a 'sample' file.");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (InvalidDataException)
        {
            return Problems.Field("body", "The multipart form could not be read (too large or malformed).");
        }

        string? name = form["name"].FirstOrDefault();
        string? language = form["language"].FirstOrDefault();
        var sample = form.Files.GetFile("sample");

        var key = Idempotency.Key(http, out var keyError);
        if (keyError is not null)
        {
            return keyError;
        }

        var v = new Validator();
        v.Required("name", name, Limits.Name);
        v.Language("language", language);
        byte[]? bytes = null;
        if (sample is null || sample.Length == 0)
        {
            v.Add("sample", "A WAV sample is required.");
        }
        else if (sample.Length > options.MaxVoiceSampleBytes)
        {
            v.Add("sample", $"The sample must be at most {options.MaxVoiceSampleBytes} bytes.");
        }
        else
        {
            using var buffer = new MemoryStream((int)sample.Length);
            await sample.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
            if (WavAnalyzer.Read(bytes) is { Samples: null, Error: { } error })
            {
                v.Add("sample", error);
            }
        }

        var path = http.Request.Path.Value ?? string.Empty;
        var requestHash = Idempotency.Hash(System.Text.Encoding.UTF8.GetBytes($"{name}\n{language}\n{(bytes is null ? "" : Idempotency.Hash(bytes))}"));
        using var turn = await Idempotency.TakeTurnAsync(tenantId, key, ct);
        if (key is not null && await Idempotency.ReplayAsync(db, tenantId, key, path, requestHash, ct) is { } replay)
        {
            return replay;
        }

        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var voice = new VoiceProfile
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = name!.Trim(),
            Language = language!,
            Sample = bytes,
            SampleContentType = "audio/wav",
            Status = VoiceTrainingStatus.Pending,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
        };
        db.Voices.Add(voice);
        var location = $"{path.TrimEnd('/')}/{voice.Id}";
        if (key is not null)
        {
            voice.Version = 1;
            Idempotency.Record(http, db, tenantId, key, requestHash, StatusCodes.Status202Accepted, ToDto(voice), location);
        }

        await db.SaveChangesAsync(ct);
        await queue.EnqueueAsync(voice.Id, ct);
        ETags.Set(http, voice.Version);
        // 202: the profile exists, training runs in the background; poll the Location.
        return TypedResults.Accepted(location, ToDto(voice));
    }

    private static async Task<IResult> ListAsync(TolkDbContext db, int? page, int? pageSize, string? q, CancellationToken ct)
    {
        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var query = db.Voices.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(x => x.Name.Contains(q) || x.Language == q);
        }

        var total = await query.CountAsync(ct);
        // The sample bytes stay in the database: project the columns the list shows.
        var items = await query.OrderBy(x => x.Name).Skip((p - 1) * s).Take(s)
            .Select(x => new VoiceDto(x.Id, x.Name, x.Language, x.Status, x.StatusDetail, x.ProviderVoiceId, x.DurationSeconds,
                x.MedianPitchHz, x.SpeakingRate, x.CreatedUtc, x.Version))
            .ToListAsync(ct);
        return TypedResults.Ok(new PageOf<VoiceDto>(items, p, s, total));
    }

    private static async Task<IResult> GetAsync(HttpContext http, TolkDbContext db, Guid id, CancellationToken ct)
    {
        var voice = await db.Voices.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new VoiceDto(x.Id, x.Name, x.Language, x.Status, x.StatusDetail, x.ProviderVoiceId, x.DurationSeconds,
                x.MedianPitchHz, x.SpeakingRate, x.CreatedUtc, x.Version))
            .FirstOrDefaultAsync(ct);
        if (voice is null)
        {
            return Problems.NotFound();
        }

        ETags.Set(http, voice.Version);
        return TypedResults.Ok(voice);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, TolkDbContext db, Guid id, CancellationToken ct)
    {
        var voice = await db.Voices.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (voice is null)
        {
            return Problems.NotFound();
        }

        if (ETags.IfMatch(http) is { } e && e != voice.Version)
        {
            return Problems.PreconditionFailed();
        }

        db.Voices.Remove(voice);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
