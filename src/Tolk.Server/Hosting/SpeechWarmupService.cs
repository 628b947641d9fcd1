using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tolk.Speech;
using Tolk.Speech.Local;

namespace Tolk.Server.Hosting;

/// <summary>
/// Starts the resident Apertium pipelines in the background when the host starts, so the first phrase of the
/// first conference does not pay their start-up (measured 0.5–0.9 s on the first en→es translation).
/// </summary>
public sealed partial class SpeechWarmupService(LocalSpeechEngines engines, ILogger<SpeechWarmupService> logger) : BackgroundService
{
    private static readonly (string From, string To)[] s_pairs = [("en", "es"), ("es", "en")];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var (from, to) in s_pairs)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await engines.Translator.TranslateAsync("hello", from, to, SpeechContext.None, stoppingToken);
                Log.WarmedUp(logger, from, to, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Only a warm-up: the first real phrase retries and degrades on its own.
                Log.WarmUpFailed(logger, from, to, ex.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4130, Level = LogLevel.Information, Message = "Translator {From}→{To} ready in {Milliseconds:F0} ms")]
        public static partial void WarmedUp(ILogger logger, string from, string to, double milliseconds);

        [LoggerMessage(EventId = 4131, Level = LogLevel.Warning, Message = "Translator {From}→{To} warm-up failed: {Reason}")]
        public static partial void WarmUpFailed(ILogger logger, string from, string to, string reason);
    }
}
