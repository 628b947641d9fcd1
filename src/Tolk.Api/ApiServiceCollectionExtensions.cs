using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tolk.Api.Auth;
using Tolk.Api.Infrastructure;
using Tolk.Api.Live;
using Tolk.Api.Transcripts;
using Tolk.Api.Voices;
using Tolk.Api.Webhooks;
using Tolk.Billing;
using Tolk.Data.Entities;

namespace Tolk.Api;

/// <summary>Registers the management API. Call after <c>AddTolkData</c>.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds authentication (bearer JWT + X-Api-Key), authorization policies, ProblemDetails, OpenAPI,
    /// the usage ledger, the voice-training job, the live feed (<see cref="RoomFeedHub"/>), the transcript writer,
    /// the webhook dispatcher and <see cref="RoomActivityPublisher"/> (what the conferencing host feeds), and defaults for <see cref="ITenantLiveStatus"/> and
    /// <see cref="ICallDialer"/> (register your own before or after to replace them).
    /// </summary>
    public static IServiceCollection AddTolkApi(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new TolkApiOptions();
        configuration.GetSection(TolkApiOptions.Section).Bind(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddTolkBilling();
        services.AddSingleton<TokenService>();
        services.TryAddSingleton<ITenantLiveStatus, IdleTenantLiveStatus>();
        services.AddSingleton(Bind<RoomFeedOptions>(configuration, "LiveFeed"));
        services.AddSingleton(Bind<TranscriptWriterOptions>(configuration, "Transcripts"));
        services.AddSingleton(Bind<WebhookOptions>(configuration, "Webhooks"));
        services.AddMetrics();
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<RoomFeedHub>();
        services.AddSingleton<TranscriptWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<TranscriptWriter>());
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<RoomActivityPublisher>();
        services.TryAddSingleton<ICallDialer, UnavailableCallDialer>();
        services.AddSingleton<VoiceTrainingQueue>();
        services.AddHostedService<VoiceTrainingService>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new() { Title = "Tolk management API", Version = "v1", Description = "Tenants, numbers, SIP accounts, rooms, voices and usage." };
            return Task.CompletedTask;
        }));

        services.AddAuthentication(TolkAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TolkAuthenticationHandler>(TolkAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.MasterAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.MasterAdmin)))
            .AddPolicy(Policies.TenantMember, p => p.RequireAuthenticatedUser().AddRequirements(new TenantAccessRequirement()))
            .AddPolicy(Policies.TenantAdmin, p => p.RequireAuthenticatedUser()
                .AddRequirements(new TenantAccessRequirement(), new RoleRequirement(Roles.MasterAdmin, Roles.TenantAdmin)));
        services.AddScoped<IAuthorizationHandler, TenantAccessHandler>();
        services.AddSingleton<IAuthorizationHandler, RoleHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, TenantAwareResultHandler>();
        return services;
    }

    private static T Bind<T>(IConfiguration configuration, string name)
        where T : new()
    {
        var options = new T();
        configuration.GetSection($"{TolkApiOptions.Section}:{name}").Bind(options);
        return options;
    }
}
