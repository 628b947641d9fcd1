using Tolk.Billing;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling.Bridging;

namespace Tolk.Server.Hosting;

/// <summary>
/// Meters every ended call into the usage ledger: room participants from answer to end, and answered
/// extension-to-extension calls from answer to end.
/// </summary>
public sealed class UsageCallEventSink(UsageRecorder recorder) : ICallEventSink, IExtensionCallEventSink
{
    public void CallStarted(CallSession call)
    {
    }

    public void CallEnded(CallSession call)
    {
        var start = call.ConnectedAt ?? call.StartedAt;
        var end = call.EndedAt ?? start;
        var minutes = (decimal)Math.Max(0, (end - start).TotalMinutes);
        Record(call.Tenant.Id, call.Id, minutes);
    }

    public void ExtensionCallAnswered(ExtensionCall call)
    {
    }

    public void ExtensionCallEnded(ExtensionCall call)
    {
        if (call.AnsweredAt is not { } answered)
        {
            return;
        }
        var minutes = (decimal)Math.Max(0, ((call.EndedAt ?? answered) - answered).TotalMinutes);
        Record(call.Tenant.Id, call.Id, minutes);
    }

    private void Record(Guid tenantId, Guid callId, decimal minutes) =>
        recorder.Record(tenantId, UsageKinds.CallMinutes, Math.Round(minutes, 4), callId.ToString("N"));
}
