using Tolk.Api.Live;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling.Bridging;

namespace Tolk.Server.Hosting;

/// <summary>Webhook data of <c>call.started</c> and <c>call.ended</c> (room calls).</summary>
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
    double? DurationSeconds);

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

    private static CallWebhookData Data(CallSession call)
    {
        double? duration = call is { ConnectedAt: { } connected, EndedAt: { } ended } ? Math.Max(0, (ended - connected).TotalSeconds) : null;
        return new CallWebhookData(call.Id, call.Room.Id, call.Room.Extension, call.CallerUri, call.AuthenticatedUser,
            call.StartedAt, call.ConnectedAt, call.EndedAt, call.EndReason, duration);
    }
}
