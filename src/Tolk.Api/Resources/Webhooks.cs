using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;
using Tolk.Data.Security;

namespace Tolk.Api.Resources;

/// <summary>Create/replace body of a webhook. A null secret on create generates one.</summary>
public sealed record WebhookRequest(string? Url, List<string>? Events, string? Secret, bool? Disabled);

/// <summary>A webhook as listed (the secret is not returned after creation).</summary>
public sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> Events, bool Disabled, long Version, string? Secret = null);

internal static class Webhooks
{
    /// <summary>Events a webhook can subscribe to; "*" means all.</summary>
    public static readonly string[] KnownEvents =
        ["*", "call.started", "call.ended", "transcript.final", "emotion.alert", "translation.unavailable", "translation.recovered",
         "room.transcript", "voice.ready", "usage.recorded"];

    private static WebhookDto ToDto(Webhook w) => new(w.Id, w.Url, w.Events, w.Disabled, w.Version);

    public static ResourceSpec<Webhook, WebhookRequest> Spec { get; } = new()
    {
        Path = "webhooks",
        Tag = "Webhooks",
        Singular = "Webhook",
        Query = db => db.Webhooks,
        ToDto = ToDto,
        ReadPolicy = Auth.Policies.TenantAdmin,
        Validate = (r, _, v, _) =>
        {
            v.HttpUrl("url", r.Url);
            if (r.Events is null || r.Events.Count == 0)
            {
                v.Add("events", "At least one event is required.");
            }
            else
            {
                for (var i = 0; i < r.Events.Count; i++)
                {
                    if (!KnownEvents.Contains(r.Events[i]))
                    {
                        v.Add($"events[{i}]", $"Unknown event; known: {string.Join(", ", KnownEvents)}.");
                    }
                }
            }

            if (r.Secret is not null && (r.Secret.Length < 16 || r.Secret.Length > 256))
            {
                v.Add("secret", "The secret must be 16 to 256 characters.");
            }

            return Task.CompletedTask;
        },
        Create = (r, ctx) => Apply(r, new Webhook { Id = Guid.NewGuid(), TenantId = ctx.TenantId, Url = "" }, ctx),
        // The secret is shown once, in the create response; it is stored encrypted (SecretProtector).
        CreatedDto = (w, ctx) => ToDto(w) with { Secret = ctx.Extra.GetValueOrDefault("secret") },
        ReplayDto = ToDto,
        Update = (r, e, ctx) => Apply(r, e, ctx),
        Search = (q, s) => q.Where(w => w.Url.Contains(s)),
        Order = q => q.OrderBy(w => w.Url),
    };

    private static Webhook Apply(WebhookRequest r, Webhook e, RequestContext ctx)
    {
        var protector = ctx.Http.RequestServices.GetRequiredService<SecretProtector>();
        e.Url = r.Url!;
        e.Events = r.Events!.Distinct().ToList();
        if (r.Secret is not null || e.Secret is null)
        {
            var secret = r.Secret ?? SecretTokens.New("whsec_");
            ctx.Extra["secret"] = secret;
            e.Secret = protector.Protect(secret);
        }
        else if (!SecretProtector.IsProtected(e.Secret))
        {
            // Written before secrets were encrypted: encrypt it now.
            e.Secret = protector.Protect(e.Secret);
        }

        e.Disabled = r.Disabled ?? false;
        return e;
    }
}
