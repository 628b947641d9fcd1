using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Infrastructure;

/// <summary>
/// Maps list/get/create/replace/delete for a tenant resource with paging, search, ETags, If-Match and
/// Idempotency-Key, so every collection behaves the same way.
/// </summary>
internal static class ResourceEndpoints
{
    public static void Map<TEntity, TRequest>(RouteGroupBuilder tenant, ResourceSpec<TEntity, TRequest> spec)
        where TEntity : class, IEntity, IVersioned
        where TRequest : class
    {
        var g = tenant.MapGroup("/" + spec.Path).WithTags(spec.Tag);
        // Handlers are typed as Delegate: the generic closures are built here, once per resource.
        Delegate list = (HttpContext http, TolkDbContext db, int? page, int? pageSize, string? q, CancellationToken ct) =>
            ListAsync(spec, http, db, page, pageSize, q, ct);
        Delegate get = (HttpContext http, TolkDbContext db, Guid id, CancellationToken ct) => GetAsync(spec, http, db, id, ct);
        Delegate create = (TRequest body, HttpContext http, TolkDbContext db, Guid tenantId, CancellationToken ct) =>
            CreateAsync(spec, body, http, db, tenantId, ct);
        Delegate update = (TRequest body, HttpContext http, TolkDbContext db, Guid tenantId, Guid id, CancellationToken ct) =>
            UpdateAsync(spec, body, http, db, tenantId, id, ct);
        Delegate delete = (HttpContext http, TolkDbContext db, Guid tenantId, Guid id, CancellationToken ct) =>
            DeleteAsync(spec, http, db, tenantId, id, ct);

        g.MapGet("", list).RequireAuthorization(spec.ReadPolicy).WithName($"List{spec.Tag}");
        g.MapGet("/{id:guid}", get).RequireAuthorization(spec.ReadPolicy).WithName($"Get{spec.Singular}");
        g.MapPost("", create).RequireAuthorization(spec.CreatePolicy).WithName($"Create{spec.Singular}");
        if (spec.Update is not null)
        {
            g.MapPut("/{id:guid}", update).RequireAuthorization(spec.UpdatePolicy).WithName($"Update{spec.Singular}");
        }

        g.MapDelete("/{id:guid}", delete).RequireAuthorization(spec.DeletePolicy).WithName($"Delete{spec.Singular}");
    }

    private static async Task<IResult> ListAsync<TEntity, TRequest>(ResourceSpec<TEntity, TRequest> spec, HttpContext http, TolkDbContext db,
        int? page, int? pageSize, string? q, CancellationToken ct)
        where TEntity : class, IEntity, IVersioned
        where TRequest : class
    {
        var v = new Validator();
        var (p, s) = Paging.Read(page, pageSize, v);
        v.MaxLength("q", q, Limits.Name);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        var query = spec.Query(db).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q) && spec.Search is not null)
        {
            query = spec.Search(query, q.Trim());
        }

        var total = await query.CountAsync(ct);
        var items = await spec.Order(query).Skip((p - 1) * s).Take(s).ToListAsync(ct);
        return TypedResults.Ok(new PageOf<object>(items.Select(spec.ToDto).ToList(), p, s, total));
    }

    private static async Task<IResult> GetAsync<TEntity, TRequest>(ResourceSpec<TEntity, TRequest> spec, HttpContext http, TolkDbContext db, Guid id, CancellationToken ct)
        where TEntity : class, IEntity, IVersioned
        where TRequest : class
    {
        var entity = await spec.Query(db).AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entity is null)
        {
            return Problems.NotFound();
        }

        ETags.Set(http, entity.Version);
        return ETags.NotModified(http, entity.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(spec.ToDto(entity));
    }

    private static async Task<IResult> CreateAsync<TEntity, TRequest>(ResourceSpec<TEntity, TRequest> spec, TRequest body, HttpContext http,
        TolkDbContext db, Guid tenantId, CancellationToken ct)
        where TEntity : class, IEntity, IVersioned
        where TRequest : class
    {
        var key = Idempotency.Key(http, out var keyError);
        if (keyError is not null)
        {
            return keyError;
        }

        var requestHash = Idempotency.Hash(body, http);
        var path = http.Request.Path.Value ?? string.Empty;
        using var turn = await Idempotency.TakeTurnAsync(tenantId, key, ct);
        if (key is not null && await Idempotency.ReplayAsync(db, tenantId, key, path, requestHash, ct) is { } replay)
        {
            return replay;
        }

        var ctx = new RequestContext(http, db, tenantId, isCreate: true);
        var v = new Validator();
        await spec.Validate(body, ctx, v, null);
        if (!v.IsValid)
        {
            return await Idempotency.ReplayOrAsync(db, tenantId, key, path, requestHash, Problems.Validation(v), ct);
        }

        var entity = spec.Create(body, ctx);
        db.Add(entity);
        var location = $"{path.TrimEnd('/')}/{entity.Id}";
        var response = spec.CreatedDto?.Invoke(entity, ctx) ?? spec.ToDto(entity);
        if (key is not null)
        {
            // Version is assigned on save; the replay body is serialised after it.
            entity.Version = 1;
            Idempotency.Record(http, db, tenantId, key, requestHash, StatusCodes.Status201Created,
                spec.ReplayDto?.Invoke(entity) ?? spec.ToDto(entity), location);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (key is not null && await Idempotency.ReplayAsync(db, tenantId, key, path, requestHash, ct) is { } raced)
            {
                return raced;
            }

            return Problems.Conflict($"The {spec.Singular.ToLowerInvariant()} conflicts with an existing one.");
        }

        ETags.Set(http, entity.Version);
        response = spec.CreatedDto?.Invoke(entity, ctx) ?? spec.ToDto(entity);
        return TypedResults.Created(location, response);
    }

    private static async Task<IResult> UpdateAsync<TEntity, TRequest>(ResourceSpec<TEntity, TRequest> spec, TRequest body, HttpContext http,
        TolkDbContext db, Guid tenantId, Guid id, CancellationToken ct)
        where TEntity : class, IEntity, IVersioned
        where TRequest : class
    {
        var entity = await spec.Query(db).FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entity is null)
        {
            return Problems.NotFound();
        }

        var expected = ETags.IfMatch(http);
        if (expected is { } e && e != entity.Version)
        {
            return Problems.PreconditionFailed();
        }

        var ctx = new RequestContext(http, db, tenantId, isCreate: false);
        var v = new Validator();
        await spec.Validate(body, ctx, v, entity);
        if (!v.IsValid)
        {
            return Problems.Validation(v);
        }

        spec.Update!(body, entity, ctx);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict($"The {spec.Singular.ToLowerInvariant()} conflicts with an existing one.");
        }

        ETags.Set(http, entity.Version);
        return TypedResults.Ok(spec.ToDto(entity));
    }

    private static async Task<IResult> DeleteAsync<TEntity, TRequest>(ResourceSpec<TEntity, TRequest> spec, HttpContext http,
        TolkDbContext db, Guid tenantId, Guid id, CancellationToken ct)
        where TEntity : class, IEntity, IVersioned
        where TRequest : class
    {
        var entity = await spec.Query(db).FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entity is null)
        {
            return Problems.NotFound();
        }

        if (ETags.IfMatch(http) is { } e && e != entity.Version)
        {
            return Problems.PreconditionFailed();
        }

        var ctx = new RequestContext(http, db, tenantId, isCreate: false);
        if (spec.Delete is not null)
        {
            spec.Delete(entity, ctx);
        }
        else
        {
            db.Remove(entity);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed();
        }

        return TypedResults.NoContent();
    }
}
