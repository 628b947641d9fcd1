using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>A caller's remembered language: <c>caller</c> is <c>user:&lt;SIP user&gt;</c> or <c>tel:&lt;digits&gt;</c>.</summary>
public sealed record CallerLanguageDto(string Caller, string Language, DateTime UpdatedUtc);

/// <summary>Body of <c>PUT /caller-languages/{caller}</c>.</summary>
public sealed record CallerLanguageRequest(string? Language);

/// <summary>
/// The languages callers picked with the DTMF menu (<c>*N</c>), which their next calls start in. Tenant admins
/// can read them, set one ahead of a caller's first call, and erase one (a caller's number is personal data).
/// </summary>
internal static class CallerLanguages
{
    private const string UserPrefix = "user:";
    private const string TelPrefix = "tel:";
    private const string CallerFormat = "A caller is 'user:<SIP user>' or 'tel:<number>' (3 to 20 digits).";

    public static void Map(RouteGroupBuilder tenant)
    {
        var g = tenant.MapGroup("/caller-languages").WithTags("Caller languages").RequireAuthorization(Policies.TenantAdmin);
        g.MapGet("", ListAsync).WithName("ListCallerLanguages")
            .WithSummary("Remembered languages of callers")
            .WithDescription("Newest first. 'caller' filters on one caller (user:alice, tel:+32 2 555 01 01).");
        g.MapPut("/{caller}", PutAsync).WithName("SetCallerLanguage")
            .WithSummary("Set the language a caller's calls start in")
            .WithDescription("caller: 'user:<SIP user>' (an authenticated account) or 'tel:<number>' (a caller presented by number). A room's participant mapping still wins, and a room that does not offer the language ignores it.");
        g.MapDelete("/{caller}", DeleteAsync).WithName("DeleteCallerLanguage")
            .WithSummary("Forget a caller's language");
    }

    /// <summary>
    /// The stored form of a caller key, as the SIP host derives it (Tolk.Conferencing ParticipantLanguages.CallerKey;
    /// the projects share no code): <c>user:</c> + the lower-cased SIP user name,
    /// <c>tel:</c> + the digits of the number; null when it is neither.
    /// </summary>
    public static string? Normalize(string? caller)
    {
        if (caller is null)
        {
            return null;
        }

        caller = caller.Trim();
        if (caller.StartsWith(UserPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var user = caller[UserPrefix.Length..];
            var probe = new Validator();
            probe.SipUser("caller", user);
            return user.Length > 0 && probe.IsValid ? UserPrefix + user.ToLowerInvariant() : null;
        }

        if (caller.StartsWith(TelPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var number = caller[TelPrefix.Length..];
            var body = number.StartsWith('+') ? number[1..] : number;
            var digits = new string([.. body.Where(char.IsAsciiDigit)]);
            return digits.Length is >= 3 and <= 20 && body.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')')
                ? TelPrefix + digits
                : null;
        }

        return null;
    }

    private static CallerLanguageDto ToDto(CallerLanguage c) => new(c.CallerKey, c.Language, DateTime.SpecifyKind(c.UpdatedUtc, DateTimeKind.Utc));

    private static async Task<IResult> ListAsync(TolkDbContext db, int? page, int? pageSize, string? caller, CancellationToken ct)
    {
        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        var key = Normalize(caller);
        if (caller is not null && key is null)
        {
            v.Add("caller", CallerFormat);
        }

        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        // The tenant filter confines the query to the route's tenant.
        var query = db.CallerLanguages.AsNoTracking();
        if (key is not null)
        {
            query = query.Where(c => c.CallerKey == key);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.UpdatedUtc).ThenBy(c => c.Id).Skip((p - 1) * s).Take(s).ToListAsync(ct);
        return TypedResults.Ok(new PageOf<CallerLanguageDto>([.. rows.Select(ToDto)], p, s, total));
    }

    private static async Task<IResult> PutAsync(Guid tenantId, string caller, CallerLanguageRequest? body, TolkDbContext db, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator();
        var key = Normalize(caller);
        if (key is null)
        {
            v.Add("caller", CallerFormat);
        }

        v.Language("language", body?.Language);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var (row, created) = await CallerLanguageRows.SetAsync(db, tenantId, key!, body!.Language!, time.GetUtcNow().UtcDateTime, ct);

        // The normalised key, escaped: the request's own path may spell the number differently.
        var location = $"{ApiEndpointRouteBuilderExtensions.TenantRoute.Replace("{tenantId:guid}", tenantId.ToString(), StringComparison.Ordinal)}/caller-languages/{Uri.EscapeDataString(key!)}";
        return created ? TypedResults.Created(location, ToDto(row)) : TypedResults.Ok(ToDto(row));
    }

    private static async Task<IResult> DeleteAsync(string caller, TolkDbContext db, CancellationToken ct)
    {
        var key = Normalize(caller);
        if (key is null)
        {
            return Problems.Field("caller", CallerFormat);
        }

        // Loaded and removed rather than deleted in SQL, so the erasure is audited (by row id; the number is masked).
        var row = await db.CallerLanguages.FirstOrDefaultAsync(c => c.CallerKey == key, ct);
        if (row is null)
        {
            return Problems.NotFound();
        }

        db.CallerLanguages.Remove(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted meanwhile (another admin's DELETE): gone either way.
        }

        return TypedResults.NoContent();
    }
}
