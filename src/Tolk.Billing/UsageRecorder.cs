using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tolk.Billing;

/// <summary>One metered use waiting to be written to the ledger.</summary>
public sealed record UsageEntry(Guid TenantId, string Kind, decimal Quantity, string? CallId, DateTime TimestampUtc);

/// <summary>
/// The write path of the usage ledger for live calls. Call and speech threads hand usage over without waiting;
/// one writer drains the queue in batches, so the database sees a single writer however many calls end at once
/// (concurrent SaveChanges on SQLite time out with "database is locked" at a few hundred calls per second, and
/// every failed write was a lost charge). A failed batch is retried with backoff until it lands — usage is
/// never dropped while the process runs — and <see cref="StopAsync"/> drains what is queued.
/// </summary>
public sealed partial class UsageRecorder : IAsyncDisposable
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly Channel<UsageEntry> _queue = Channel.CreateUnbounded<UsageEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly UsageLedger _ledger;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _writer;
    private long _queued;
    private long _written;

    /// <summary>Starts the writer.</summary>
    public UsageRecorder(UsageLedger ledger, TimeProvider time, ILogger<UsageRecorder>? logger = null)
    {
        _ledger = ledger;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Records written to the database so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records accepted and not yet written.</summary>
    public long Pending => Interlocked.Read(ref _queued) - Written;

    /// <summary>Queues one usage record (timestamped now); never blocks.</summary>
    public void Record(Guid tenantId, string kind, decimal quantity, string? callId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        var entry = new UsageEntry(tenantId, kind, quantity, callId, _time.GetUtcNow().UtcDateTime);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Decrement(ref _queued);
            LogLostAfterStop(_logger, kind, quantity, tenantId, callId);
        }
    }

    /// <summary>Waits until every record queued before this call has been written (or <paramref name="ct"/> fires).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var target = Interlocked.Read(ref _queued);
        while (Written < target && !_writer.IsCompleted)
        {
            await Task.Delay(10, ct);
        }
    }

    /// <summary>Stops accepting records and writes what is queued, giving up after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_writer, Task.Delay(timeout)) != _writer)
        {
            await _abandon.CancelAsync();
            await _writer;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _abandon.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<UsageEntry>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            if (!await WriteWithRetryAsync(batch))
            {
                break;
            }
            Interlocked.Add(ref _written, batch.Count);
            batch.Clear();
        }
        var lost = batch.Count;
        while (reader.TryRead(out _))
        {
            lost++;
        }
        if (lost > 0)
        {
            LogLostAtShutdown(_logger, lost);
        }
    }

    private async Task<bool> WriteWithRetryAsync(List<UsageEntry> batch)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _ledger.RecordBatchAsync(batch);
                return true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (_abandon.IsCancellationRequested)
                {
                    return false;
                }
                LogRetrying(_logger, ex, batch.Count, attempt);
                try
                {
                    await Task.Delay(backoff, _time, _abandon.Token);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Writing {Count} usage records failed (attempt {Attempt}); retrying")]
    private static partial void LogRetrying(ILogger logger, Exception ex, int count, int attempt);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "{Count} usage records could not be written before shutdown and are lost")]
    private static partial void LogLostAtShutdown(ILogger logger, int count);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "Usage after shutdown not recorded: {Quantity} {Kind} of tenant {TenantId}, call {CallId}")]
    private static partial void LogLostAfterStop(ILogger logger, string kind, decimal quantity, Guid tenantId, string? callId);
}
