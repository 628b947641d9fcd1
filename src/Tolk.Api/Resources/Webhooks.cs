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
        ["*", "call.started", "call.ended", "room.transcript", "emotion.alert", "voice.ready", "usage.recorded"];

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
        Create = (r, ctx) => Apply(r, new Webhook { Id = Guid.NewGuid(), TenantId = ctx.TenantId, Url = "" }),
        CreatedDto = (w, _) => ToDto(w) with { Secret = w.Secret },
        ReplayDto = ToDto,
        Update = (r, e, _) => Apply(r, e),
        Search = (q, s) => q.Where(w => w.Url.Contains(s)),
        Order = q => q.OrderBy(w => w.Url),
    };

    private static Webhook Apply(WebhookRequest r, Webhook e)
    {
        e.Url = r.Url!;
        e.Events = r.Events!.Distinct().ToList();
        e.Secret = r.Secret ?? e.Secret ?? SecretTokens.New("whsec_");
        e.Disabled = r.Disabled ?? false;
        return e;
    }
}
