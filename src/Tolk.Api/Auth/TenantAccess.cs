using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Data.Entities;

namespace Tolk.Api.Auth;

/// <summary>
/// The one place where the tenant in the route is checked against the principal. It runs as an
/// authorization requirement (before model binding, so even a malformed body from another tenant gets
/// 404, not 400) and confines the request's <see cref="TenantContext"/> to the tenant on success.
/// </summary>
public sealed class TenantAccessRequirement : IAuthorizationRequirement;

/// <summary>A role requirement, checked after tenant access.</summary>
public sealed class RoleRequirement(params string[] roles) : IAuthorizationRequirement
{
    /// <summary>Allowed roles.</summary>
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>Policy names.</summary>
public static class Policies
{
    /// <summary>Any member of the tenant in the route (or a master admin).</summary>
    public const string TenantMember = "tenant-member";
    /// <summary>A tenant admin of the tenant in the route (or a master admin).</summary>
    public const string TenantAdmin = "tenant-admin";
    /// <summary>Provider staff only.</summary>
    public const string MasterAdmin = "master-admin";
}

internal sealed class TenantAccessHandler(TenantDirectory directory) : AuthorizationHandler<TenantAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || !Guid.TryParse(http.Request.RouteValues["tenantId"]?.ToString(), out var tenantId)
            || directory.FindTenant(tenantId) is null)
        {
            return Task.CompletedTask;
        }

        var user = context.User;
        var allowed = user.RoleOf() == Roles.MasterAdmin || user.Tenant() == tenantId;
        if (allowed)
        {
            http.RequestServices.GetRequiredService<TenantContext>().Enter(tenantId);
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

internal sealed class RoleHandler : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (context.User.RoleOf() is { } role && requirement.Roles.Contains(role))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Turns a failed tenant check into 404 so other tenants' resources are not revealed.</summary>
internal sealed class TenantAwareResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<TenantAccessRequirement>().Any() == true)
        {
            await Problems.NotFound().ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
