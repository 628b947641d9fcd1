using Microsoft.Extensions.Logging;
using Tolk.Billing;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling.Bridging;

namespace Tolk.Server.Hosting;

/// <summary>
/// Meters every ended call into the usage ledger: room participants from answer to end, and answered
/// extension-to-extension calls from answer to end.
/// </summary>
public sealed partial class UsageCallEventSink(UsageLedger ledger, ILogger<UsageCallEventSink> logger) : ICallEventSink, IExtensionCallEventSink
{
    public void CallStarted(CallSession call)
    {
    }

    public void CallEnded(CallSession call)
    {
        var start = call.ConnectedAt ?? call.StartedAt;
        var end = call.EndedAt ?? start;
        var minutes = (decimal)Math.Max(0, (end - start).TotalMinutes);
        _ = RecordAsync(call.Tenant.Id, call.Id, minutes);
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
        _ = RecordAsync(call.Tenant.Id, call.Id, minutes);
    }

    private async Task RecordAsync(Guid tenantId, Guid callId, decimal minutes)
    {
        try
        {
            await ledger.RecordAsync(tenantId, UsageKinds.CallMinutes, Math.Round(minutes, 4), callId.ToString("N"));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Losing usage is a billing error: log loudly, never crash the call path.
            LogUsageLost(logger, ex, callId, minutes);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Could not record {Minutes} call minutes of call {CallId}")]
    private static partial void LogUsageLost(ILogger logger, Exception ex, Guid callId, decimal minutes);
}
