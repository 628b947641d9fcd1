using Microsoft.Extensions.Logging;
using Tolk.Billing;
using Tolk.Speech;

namespace Tolk.Server.Hosting;

/// <summary>
/// Writes the speech engines' usage (recognised seconds, translated and synthesised characters) of live calls
/// into the usage ledger. Records without a tenant (tools, warm-up) and emotion detection are not billed.
/// </summary>
public sealed partial class LedgerSpeechUsageSink(UsageLedger ledger, ILogger<LedgerSpeechUsageSink> logger) : ISpeechUsageSink
{
    public void Record(SpeechUsage usage)
    {
        if (!Guid.TryParse(usage.Context.TenantId, out var tenantId))
        {
            return;
        }
        (string Kind, decimal Quantity)? entry = usage.Kind switch
        {
            SpeechUsageKind.Recognition => (UsageKinds.AsrSeconds, Math.Round((decimal)usage.AudioSeconds, 3)),
            SpeechUsageKind.Translation => (UsageKinds.TranslationCharacters, usage.Characters),
            SpeechUsageKind.Synthesis => (UsageKinds.TtsCharacters, usage.Characters),
            _ => null,
        };
        if (entry is { } e && e.Quantity > 0)
        {
            // Must not block the speech pipeline: the write runs on its own.
            _ = RecordAsync(tenantId, e.Kind, e.Quantity, usage.Context.CallId);
        }
    }

    private async Task RecordAsync(Guid tenantId, string kind, decimal quantity, string callId)
    {
        try
        {
            await ledger.RecordAsync(tenantId, kind, quantity, callId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUsageLost(logger, ex, kind, quantity, callId);
        }
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Could not record {Quantity} {Kind} of call {CallId}")]
    private static partial void LogUsageLost(ILogger logger, Exception ex, string kind, decimal quantity, string callId);
}
