using Microsoft.Extensions.Logging;
using Tolk.Billing;
using Tolk.Conferencing.Calls;

namespace Tolk.Server.Hosting;

/// <summary>Meters every ended call into the usage ledger (participant minutes, from answer to end).</summary>
public sealed partial class UsageCallEventSink(UsageLedger ledger, ILogger<UsageCallEventSink> logger) : ICallEventSink
{
    public void CallStarted(CallSession call)
    {
    }

    public void CallEnded(CallSession call)
    {
        var start = call.ConnectedAt ?? call.StartedAt;
        var end = call.EndedAt ?? start;
        var minutes = (decimal)Math.Max(0, (end - start).TotalMinutes);
        _ = RecordAsync(call, minutes);
    }

    private async Task RecordAsync(CallSession call, decimal minutes)
    {
        try
        {
            await ledger.RecordAsync(call.Tenant.Id, UsageKinds.CallMinutes, Math.Round(minutes, 4), call.Id.ToString("N"));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Losing usage is a billing error: log loudly, never crash the call path.
            LogUsageLost(logger, ex, call.Id, minutes);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Could not record {Minutes} call minutes of call {CallId}")]
    private static partial void LogUsageLost(ILogger logger, Exception ex, Guid callId, decimal minutes);
}
