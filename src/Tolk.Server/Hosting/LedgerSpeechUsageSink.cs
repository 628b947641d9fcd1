using Tolk.Billing;
using Tolk.Speech;

namespace Tolk.Server.Hosting;

/// <summary>
/// Writes the speech engines' usage (recognised seconds, translated and synthesised characters) of live calls
/// into the usage ledger. Records without a tenant (tools, warm-up) are not billed.
/// </summary>
public sealed class LedgerSpeechUsageSink(UsageRecorder recorder) : ISpeechUsageSink
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
            SpeechUsageKind.Emotion => (UsageKinds.EmotionSeconds, Math.Round((decimal)usage.AudioSeconds, 3)),
            _ => null,
        };
        if (entry is { } e && e.Quantity > 0)
        {
            recorder.Record(tenantId, e.Kind, e.Quantity, usage.Context.CallId);
        }
    }
}
