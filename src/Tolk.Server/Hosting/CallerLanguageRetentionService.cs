using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tolk.Server.Hosting;

/// <summary>
/// Deletes remembered caller languages unused for <c>Translation:CallerLanguageRetentionDays</c>: one row per distinct
/// caller would otherwise grow for ever, and each holds a caller's number. Runs a minute after start, then every
/// six hours.
/// </summary>
public sealed partial class CallerLanguageRetentionService(DatabaseCallerLanguageStore store, TimeProvider time, TimeSpan retention, ILogger<CallerLanguageRetentionService> logger) : BackgroundService
{
    internal static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRun, time, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                await PurgeOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One purge; a failure is logged and the next run tries again.</summary>
    public async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await store.PurgeUnusedAsync(time.GetUtcNow().UtcDateTime - retention, cancellationToken);
            if (deleted > 0)
            {
                Log.Purged(logger, deleted, (int)retention.TotalDays);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PurgeFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4118, Level = LogLevel.Information, Message = "Forgot {Count} remembered caller languages unused for {Days} days")]
        public static partial void Purged(ILogger logger, int count, int days);

        [LoggerMessage(EventId = 4119, Level = LogLevel.Warning, Message = "Could not purge unused remembered caller languages; will retry")]
        public static partial void PurgeFailed(ILogger logger, Exception ex);
    }
}
