using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Api.Live;
using Tolk.Billing;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Entities;

namespace Tolk.Api.Resources;

/// <summary>Create/replace body of a tenant (provider endpoint).</summary>
public sealed record TenantRequest(string? Name, List<string>? Domains, TenantStatus? Status, string? Plan, int? MaxConcurrentCalls, int? MaxRooms);

/// <summary>A tenant as returned by the API.</summary>
public sealed record TenantDto(Guid Id, string Name, IReadOnlyList<string> Domains, TenantStatus Status, string Plan, int MaxConcurrentCalls, int MaxRooms, DateTime CreatedUtc, long Version);

/// <summary>Live status of a tenant.</summary>
public sealed record TenantStatusDto(Guid TenantId, TenantStatus Status, int ActiveCalls, int ActiveRooms, string Health, long DirectoryGeneration);

/// <summary>Create body of a master admin.</summary>
public sealed record AdminRequest(string? Email, string? Password);

/// <summary>Dial-out body: call the parties (SIP URIs or E.164) and bridge them into the room.</summary>
public sealed record CallRequest(Guid? RoomId, List<string>? Parties, string? CallerId);

/// <summary>Where a DID goes, resolved through the live directory.</summary>
public sealed record RouteDto(string Did, NumberTargetType TargetType, string? Target, RoomDto? Room);

/// <summary>One audit log entry.</summary>
public sealed record AuditDto(long Id, DateTime TimestampUtc, string? Actor, string Action, string EntityType, string EntityId, string? Changes);

internal static partial class TenantEndpoints
{
    public static TenantDto ToDto(Tenant t) =>
        new(t.Id, t.Name, t.Domains, t.Status, t.Plan, t.MaxConcurrentCalls, t.MaxRooms, t.CreatedUtc, t.Version);

    /// <summary>Provider-level endpoints: tenants and master admins.</summary>
    public static void MapProvider(RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapPost("", CreateTenantAsync).RequireAuthorization(Policies.MasterAdmin).WithName("CreateTenant");
        tenants.MapGet("", ListTenantsAsync).RequireAuthorization(Policies.MasterAdmin).WithName("ListTenants");
        api.MapPost("/admins", CreateAdminAsync).RequireAuthorization(Policies.MasterAdmin).WithTags("Tenants").WithName("CreateAdmin");
        api.MapGet("/admins", ListAdminsAsync).RequireAuthorization(Policies.MasterAdmin).WithTags("Tenants").WithName("ListAdmins");
    }

    /// <summary>Endpoints on the tenant itself, inside the tenant group.</summary>
    public static void MapTenant(RouteGroupBuilder tenant)
    {
        tenant.MapGet("", GetTenantAsync).WithTags("Tenants").WithName("GetTenant");
        tenant.MapPut("", UpdateTenantAsync).RequireAuthorization(Policies.MasterAdmin).WithTags("Tenants").WithName("UpdateTenant");
        tenant.MapDelete("", DeleteTenantAsync).RequireAuthorization(Policies.MasterAdmin).WithTags("Tenants").WithName("DeleteTenant");
        tenant.MapGet("/status", GetStatus).WithTags("Tenants").WithName("GetTenantStatus");
        tenant.MapGet("/rooms/{id:guid}/transcript", GetRoomTranscriptAsync).RequireAuthorization(Policies.TenantAdmin).WithTags("Rooms").WithName("GetRoomTranscript")
            .WithSummary("Stored transcript of a room")
            .WithDescription("Final utterances oldest first, with translations and emotion; paged (page, pageSize) and filtered by time (from inclusive, to exclusive).");
        tenant.MapGet("/usage", GetUsageAsync).RequireAuthorization(Policies.TenantAdmin).WithTags("Usage").WithName("GetUsage");
        tenant.MapGet("/audit", GetAuditAsync).RequireAuthorization(Policies.TenantAdmin).WithTags("Audit").WithName("GetAudit");
        tenant.MapGet("/routes/{did}", GetRoute).WithTags("Numbers").WithName("GetRoute");
        tenant.MapPost("/calls", CreateCallAsync).RequireAuthorization(Policies.TenantAdmin).WithTags("Calls").WithName("CreateCall");
    }

    private static async Task ValidateTenantAsync(TenantRequest r, TolkDbContext db, Guid? self, Validator v)
    {
        v.Required("name", r.Name, Limits.Name);
        if (r.Domains is null || r.Domains.Count == 0)
        {
            v.Add("domains", "At least one SIP domain is required.");
        }
        else
        {
            for (var i = 0; i < r.Domains.Count; i++)
            {
                v.Domain($"domains[{i}]", r.Domains[i]);
            }

            var wanted = r.Domains.Where(d => d is not null).Select(d => d.ToLowerInvariant()).ToHashSet();
            var others = await db.Tenants.AsNoTracking().Where(t => self == null || t.Id != self).Select(t => t.Domains).ToListAsync();
            if (others.SelectMany(d => d).Any(wanted.Contains))
            {
                v.Add("domains", "A domain is already used by another tenant.");
            }
        }

        if (r.Status is { } s && !Enum.IsDefined(s))
        {
            v.Add("status", "Unknown status.");
        }

        v.MaxLength("plan", r.Plan, Limits.Short);
        if (r.MaxConcurrentCalls is { } c)
        {
            v.Range("maxConcurrentCalls", c, 0, 100_000);
        }

        if (r.MaxRooms is { } m)
        {
            v.Range("maxRooms", m, 0, 100_000);
        }

    }

    private static void Apply(TenantRequest r, Tenant t)
    {
        t.Name = r.Name!.Trim();
        t.Domains = r.Domains!.Select(d => d.Trim().TrimEnd('.').ToLowerInvariant()).Distinct().ToList();
        t.Status = r.Status ?? TenantStatus.Active;
        t.Plan = r.Plan ?? "standard";
        t.MaxConcurrentCalls = r.MaxConcurrentCalls ?? 10;
        t.MaxRooms = r.MaxRooms ?? 20;
    }

    private static async Task<IResult> CreateTenantAsync(TenantRequest request, HttpContext http, TolkDbContext db, TimeProvider time, CancellationToken ct)
    {
        var key = Idempotency.Key(http, out var keyError);
        if (keyError is not null)
        {
            return keyError;
        }

        var hash = Idempotency.Hash(request, http);
        var path = http.Request.Path.Value ?? string.Empty;
        using var turn = await Idempotency.TakeTurnAsync(Guid.Empty, key, ct);
        if (key is not null && await Idempotency.ReplayAsync(db, Guid.Empty, key, path, hash, ct) is { } replay)
        {
            return replay;
        }

        var v = new Validator();
        await ValidateTenantAsync(request, db, null, v);
        if (!v.IsValid)
        {
            return await Idempotency.ReplayOrAsync(db, Guid.Empty, key, path, hash, Problems.Validation(v), ct);
        }

        var tenant = new Tenant { Id = Guid.NewGuid(), Name = "", CreatedUtc = time.GetUtcNow().UtcDateTime };
        Apply(request, tenant);
        db.Tenants.Add(tenant);
        var location = $"/api/tenants/{tenant.Id}";
        tenant.Version = 1;
        if (key is not null)
        {
            Idempotency.Record(http, db, Guid.Empty, key, hash, StatusCodes.Status201Created, ToDto(tenant), location);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (key is not null && await Idempotency.ReplayAsync(db, Guid.Empty, key, path, hash, ct) is { } raced)
            {
                return raced;
            }

            throw;
        }

        ETags.Set(http, tenant.Version);
        return TypedResults.Created(location, ToDto(tenant));
    }

    private static async Task<IResult> ListTenantsAsync(TolkDbContext db, int? page, int? pageSize, string? q, TenantStatus? status, CancellationToken ct)
    {
        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var query = db.Tenants.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(t => t.Name.Contains(q));
        }

        if (status is { } st)
        {
            query = query.Where(t => t.Status == st);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(t => t.Name).Skip((p - 1) * s).Take(s).ToListAsync(ct);
        return TypedResults.Ok(new PageOf<TenantDto>(items.Select(ToDto).ToList(), p, s, total));
    }

    private static async Task<IResult> CreateAdminAsync(AdminRequest request, HttpContext http, TolkDbContext db, TimeProvider time, CancellationToken ct)
    {
        var key = Idempotency.Key(http, out var keyError);
        if (keyError is not null)
        {
            return keyError;
        }

        var hash = Idempotency.Hash(request, http);
        var path = http.Request.Path.Value ?? string.Empty;
        using var turn = await Idempotency.TakeTurnAsync(Guid.Empty, key, ct);
        if (key is not null && await Idempotency.ReplayAsync(db, Guid.Empty, key, path, hash, ct) is { } replay)
        {
            return replay;
        }

        var v = new Validator();
        v.Email("email", request.Email);
        v.Password("password", request.Password);
        if (request.Email is not null && await db.Users.AnyAsync(u => u.Email == request.Email.Trim().ToLowerInvariant(), ct))
        {
            v.Add("email", "This e-mail address is already in use.");
        }

        if (!v.IsValid)
        {
            return await Idempotency.ReplayOrAsync(db, Guid.Empty, key, path, hash, Problems.Validation(v), ct);
        }

        var user = new User
        {
            Id = Guid.NewGuid(),
            Email = request.Email!.Trim().ToLowerInvariant(),
            Role = Roles.MasterAdmin,
            PasswordHash = Tolk.Data.Security.PasswordHasher.Hash(request.Password!),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            Version = 1,
        };
        db.Users.Add(user);
        var location = $"/api/admins/{user.Id}";
        if (key is not null)
        {
            Idempotency.Record(http, db, Guid.Empty, key, hash, StatusCodes.Status201Created, Users.ToDto(user), location);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (key is not null && await Idempotency.ReplayAsync(db, Guid.Empty, key, path, hash, ct) is { } raced)
            {
                return raced;
            }

            return Problems.Conflict("The e-mail address is already in use.");
        }

        return TypedResults.Created(location, Users.ToDto(user));
    }

    private static async Task<IResult> ListAdminsAsync(TolkDbContext db, CancellationToken ct)
    {
        var admins = await db.Users.AsNoTracking().Where(u => u.Role == Roles.MasterAdmin).OrderBy(u => u.Email).ToListAsync(ct);
        return TypedResults.Ok(new PageOf<UserDto>(admins.Select(Users.ToDto).ToList(), 1, admins.Count, admins.Count));
    }

    private static async Task<IResult> GetTenantAsync(HttpContext http, TolkDbContext db, Guid tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenantId, ct);
        ETags.Set(http, tenant.Version);
        return TypedResults.Ok(ToDto(tenant));
    }

    private static async Task<IResult> UpdateTenantAsync(TenantRequest request, HttpContext http, TolkDbContext db, Guid tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstAsync(t => t.Id == tenantId, ct);
        if (ETags.IfMatch(http) is { } e && e != tenant.Version)
        {
            return Problems.PreconditionFailed();
        }

        var v = new Validator();
        await ValidateTenantAsync(request, db, tenantId, v);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        Apply(request, tenant);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        ETags.Set(http, tenant.Version);
        return TypedResults.Ok(ToDto(tenant));
    }

    private static async Task<IResult> DeleteTenantAsync(HttpContext http, TolkDbContext db, Guid tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstAsync(t => t.Id == tenantId, ct);
        if (ETags.IfMatch(http) is { } e && e != tenant.Version)
        {
            return Problems.PreconditionFailed();
        }

        db.Tenants.Remove(tenant);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static IResult GetStatus(Guid tenantId, ITenantDirectory directory, ITenantLiveStatus live)
    {
        var tenant = directory.FindTenant(tenantId)!;
        var counters = live.Get(tenantId);
        return TypedResults.Ok(new TenantStatusDto(tenantId, tenant.Enabled ? TenantStatus.Active : TenantStatus.Disabled,
            counters.ActiveCalls, counters.ActiveRooms, counters.Health, directory.Generation));
    }

    private static async Task<IResult> GetUsageAsync(Guid tenantId, DateTime? from, DateTime? to, TolkDbContext db, UsageLedger ledger, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var end = (to ?? now).ToUniversalTime();
        var start = (from ?? new DateTime(end.Year, end.Month, 1, 0, 0, 0, DateTimeKind.Utc)).ToUniversalTime();
        if (start >= end)
        {
            return Problems.Field("from", "'from' must be before 'to'.");
        }

        if (end - start > TimeSpan.FromDays(366))
        {
            return Problems.Field("to", "The period may be at most 366 days.");
        }

        return TypedResults.Ok(await ledger.SummarizeAsync(db, tenantId, start, end, ct));
    }

    private static async Task<IResult> GetAuditAsync(TolkDbContext db, int? page, int? pageSize, string? entityType, CancellationToken ct)
    {
        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(entityType))
        {
            query = query.Where(a => a.EntityType == entityType);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip((p - 1) * s).Take(s)
            .Select(a => new AuditDto(a.Id, a.TimestampUtc, a.Actor, a.Action, a.EntityType, a.EntityId, a.Changes))
            .ToListAsync(ct);
        return TypedResults.Ok(new PageOf<AuditDto>(items, p, s, total));
    }

    private static IResult GetRoute(Guid tenantId, string did, ITenantDirectory directory)
    {
        var number = directory.FindNumber(did);
        if (number is null || number.TenantId != tenantId)
        {
            return Problems.NotFound();
        }

        RoomDto? room = null;
        if (number.TargetType == NumberTargetType.Room && Guid.TryParse(number.Target, out var roomId)
            && directory.FindRoom(tenantId, roomId) is { } r)
        {
            room = new RoomDto(r.Id, r.Name, r.Extension, r.Languages.Select(l => new RoomLanguageDto(l.Code, l.Voice)).ToList(),
                r.DelayMs, r.OriginalMixPercent, r.EmotionAlerts, r.EmotionThreshold,
                r.Participants.Select(p => new ParticipantMappingDto(p.Extension, p.CallerNumber, p.Language, p.Voice)).ToList(),
                r.HintPhrases, r.RequireSrtp, r.Pin is not null, r.RequireAuth, 0, r.EmotionLabels);
        }

        return TypedResults.Ok(new RouteDto(number.Did, number.TargetType, number.Target, room));
    }

    private static async Task<IResult> CreateCallAsync(CallRequest request, Guid tenantId, TolkDbContext db, ICallDialer dialer, CancellationToken ct)
    {
        var v = new Validator();
        if (request.RoomId is not { } roomId || !await db.Rooms.AnyAsync(r => r.Id == roomId, ct))
        {
            v.Add("roomId", "The id of a room of this tenant is required.");
        }

        if (request.Parties is null || request.Parties.Count == 0)
        {
            v.Add("parties", "At least one party is required.");
        }
        else
        {
            for (var i = 0; i < request.Parties.Count; i++)
            {
                var party = request.Parties[i];
                if (!v.Required($"parties[{i}]", party, Limits.Name)
                    || !(party.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || party.StartsWith("sips:", StringComparison.OrdinalIgnoreCase) || E164().IsMatch(party)))
                {
                    if (!string.IsNullOrEmpty(party))
                    {
                        v.Add($"parties[{i}]", "A party is a sip:/sips: URI or an E.164 number.");
                    }
                }
            }
        }

        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        if (!dialer.IsAvailable)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Dial-out unavailable",
                detail: "This host cannot place outbound calls yet.");
        }

        var result = await dialer.DialAsync(new DialOutRequest(tenantId, request.RoomId!.Value, request.Parties!, request.CallerId), ct);
        return TypedResults.Accepted((string?)null, result);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial System.Text.RegularExpressions.Regex E164();
}
