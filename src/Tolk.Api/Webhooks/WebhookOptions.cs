namespace Tolk.Api.Webhooks;

/// <summary>Webhook delivery settings, bound from <c>Tolk:Api:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>Attempts per delivery, the first included (default 5).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Pause before the first retry; it doubles for each further one (default 2 s: 2, 4, 8, 16 s).</summary>
    public double RetryBaseSeconds { get; set; } = 2;

    /// <summary>Timeout of one attempt (default 10 s).</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Events queued for dispatch before new ones are dropped (default 10,000).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Deliveries in flight at once across all webhooks (default 16).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 16;

    /// <summary>
    /// Allow webhook URLs that resolve to loopback, private (RFC 1918, RFC 4193), link-local or shared
    /// (RFC 6598) addresses. Off by default so a tenant cannot make the server call its own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Delivery log rows are kept this many days (default 30).</summary>
    public int DeliveryLogDays { get; set; } = 30;
}
