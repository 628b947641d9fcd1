using Microsoft.AspNetCore.Http;
using Tolk.Api.Auth;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Infrastructure;

/// <summary>What a request handler knows: the request, the tenant-scoped database, the tenant.</summary>
internal sealed class RequestContext(HttpContext http, TolkDbContext db, Guid tenantId, bool isCreate)
{
    public HttpContext Http { get; } = http;
    public TolkDbContext Db { get; } = db;
    public Guid TenantId { get; } = tenantId;
    public bool IsCreate { get; } = isCreate;
    public TimeProvider Time => (TimeProvider)Http.RequestServices.GetService(typeof(TimeProvider))!;
    /// <summary>Values handed from Create to CreatedDto (e.g. a secret shown once).</summary>
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);
}

/// <summary>Describes one tenant resource collection for <see cref="ResourceEndpoints"/>.</summary>
internal sealed class ResourceSpec<TEntity, TRequest>
    where TEntity : class, IEntity, IVersioned
    where TRequest : class
{
    public required string Path { get; init; }
    public required string Tag { get; init; }
    public required string Singular { get; init; }
    public required Func<TolkDbContext, IQueryable<TEntity>> Query { get; init; }
    public required Func<TEntity, object> ToDto { get; init; }
    public required Func<TRequest, RequestContext, Validator, TEntity?, Task> Validate { get; init; }
    public required Func<TRequest, RequestContext, TEntity> Create { get; init; }
    /// <summary>Applies an update; null means the resource cannot be replaced.</summary>
    public Action<TRequest, TEntity, RequestContext>? Update { get; init; }
    /// <summary>The response of a create; defaults to <see cref="ToDto"/>.</summary>
    public Func<TEntity, RequestContext, object>? CreatedDto { get; init; }
    /// <summary>The stored replay of a create (defaults to the created response); must not hold secrets.</summary>
    public Func<TEntity, object>? ReplayDto { get; init; }
    public Func<IQueryable<TEntity>, string, IQueryable<TEntity>>? Search { get; init; }
    public required Func<IQueryable<TEntity>, IOrderedQueryable<TEntity>> Order { get; init; }
    /// <summary>Custom delete (e.g. revoke instead of remove); null removes the row.</summary>
    public Action<TEntity, RequestContext>? Delete { get; init; }
    public string ReadPolicy { get; init; } = Policies.TenantMember;
    public string CreatePolicy { get; init; } = Policies.TenantAdmin;
    public string UpdatePolicy { get; init; } = Policies.TenantAdmin;
    public string DeletePolicy { get; init; } = Policies.TenantAdmin;
}
