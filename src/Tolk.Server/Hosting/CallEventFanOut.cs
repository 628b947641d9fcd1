using Tolk.Api.Live;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling.Bridging;

namespace Tolk.Server.Hosting;

/// <summary>Webhook data of <c>call.started</c> and <c>call.ended</c> (room calls).</summary>
/// <param name="CallId">The call.</param>
/// <param name="RoomId">The room it joined.</param>
/// <param name="RoomExtension">The room's extension.</param>
/// <param name="Caller">The From URI as received: a claim anyone can write.</param>
/// <param name="AuthenticatedUser">The tenant account that signed the call with digest, or null.</param>
/// <param name="StartedAt">When the INVITE arrived.</param>
/// <param name="ConnectedAt">When the call was answered.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="EndReason">Why it ended.</param>
/// <param name="DurationSeconds">Connected time.</param>
/// <param name="Trunk">The tenant trunk (its name) the call came from, or null.</param>
/// <param name="VerifiedCaller">The caller the trunk vouches for (its P-Asserted-Identity, else From), or null.</param>
public sealed record CallWebhookData(
    Guid CallId,
    Guid RoomId,
    string RoomExtension,
    string Caller,
    string? AuthenticatedUser,
    DateTimeOffset StartedAt,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    double? DurationSeconds,
    string? Trunk = null,
    string? VerifiedCaller = null);

/// <summary>
/// The host's call event sink: meters calls (<see cref="UsageCallEventSink"/>) and sends the
/// <c>call.started</c>/<c>call.ended</c> webhooks of room calls.
/// </summary>
public sealed class CallEventFanOut(UsageCallEventSink usage, RoomActivityPublisher publisher) : ICallEventSink, IExtensionCallEventSink
{
    /// <inheritdoc />
    public void CallStarted(CallSession call)
    {
        usage.CallStarted(call);
        publisher.Call(call.Tenant.Id, WebhookEventTypes.CallStarted, Data(call), call.ConnectedAt ?? call.StartedAt);
    }

    /// <inheritdoc />
    public void CallEnded(CallSession call)
    {
        usage.CallEnded(call);
        publisher.Call(call.Tenant.Id, WebhookEventTypes.CallEnded, Data(call), call.EndedAt ?? call.StartedAt);
    }

    /// <inheritdoc />
    public void ExtensionCallAnswered(ExtensionCall call) => usage.ExtensionCallAnswered(call);

    /// <inheritdoc />
    public void ExtensionCallEnded(ExtensionCall call) => usage.ExtensionCallEnded(call);

    /// <summary>What a call's webhooks say of it.</summary>
    public static CallWebhookData Data(CallSession call)
    {
        ArgumentNullException.ThrowIfNull(call);
        double? duration = call is { ConnectedAt: { } connected, EndedAt: { } ended } ? Math.Max(0, (ended - connected).TotalSeconds) : null;
        return new CallWebhookData(call.Id, call.Room.Id, call.Room.Extension, call.CallerUri, call.AuthenticatedUser,
            call.StartedAt, call.ConnectedAt, call.EndedAt, call.EndReason, duration, call.Trunk?.Name, call.VouchedCallerUri);
    }
}
