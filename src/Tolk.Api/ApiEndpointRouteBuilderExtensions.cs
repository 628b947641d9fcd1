using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Api.Live;
using Tolk.Api.Resources;

namespace Tolk.Api;

/// <summary>Adds the management API's middleware and endpoints to a host.</summary>
public static class ApiEndpointRouteBuilderExtensions
{
    /// <summary>The route of the tenant group; every endpoint under it is tenant-checked.</summary>
    public const string TenantRoute = "/api/tenants/{tenantId:guid}";

    /// <summary>
    /// Adds exception → ProblemDetails handling, authentication and authorization, then maps
    /// <c>/api/…</c>, <c>/openapi/v1.json</c> and the API browser at <c>/openapi</c>.
    /// </summary>
    public static WebApplication MapTolkApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseAuthentication();
        app.UseAuthorization();

        var api = app.MapGroup("/api");
        AuthEndpoints.Map(api);
        TenantEndpoints.MapProvider(api);

        // The one place where route tenant and principal are compared (TenantAccessRequirement).
        var tenant = app.MapGroup(TenantRoute).RequireAuthorization(Policies.TenantMember);
        TenantEndpoints.MapTenant(tenant);
        ResourceEndpoints.Map(tenant, Rooms.Spec);
        ResourceEndpoints.Map(tenant, Users.Spec);
        ResourceEndpoints.Map(tenant, Numbers.Spec);
        ResourceEndpoints.Map(tenant, SipAccounts.Spec);
        ResourceEndpoints.Map(tenant, Trunks.Spec);
        ResourceEndpoints.Map(tenant, ApiKeys.Spec);
        ResourceEndpoints.Map(tenant, Resources.Webhooks.Spec);
        WebhookDeliveries.Map(tenant);
        CallerLanguages.Map(tenant);
        LiveFeedEndpoints.Map(tenant);
        VoiceEndpoints.Map(tenant);

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapGet("/openapi", () => TypedResults.Content(ApiBrowserPage.Html, "text/html; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
