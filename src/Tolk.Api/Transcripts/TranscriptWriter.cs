using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tolk.Api.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Transcripts;

/// <summary>Transcript storage settings, bound from <c>Tolk:Api:Transcripts</c>.</summary>
public sealed class TranscriptWriterOptions
{
    /// <summary>
    /// Utterances queued for the database before new ones are dropped (default 65,536: at one utterance per
    /// speaker every two seconds, about 18 minutes of 60 speakers talking while the database is unreachable).
    /// </summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>Utterances written per database round trip at most (default 256).</summary>
    public int BatchSize { get; set; } = 256;
}

/// <summary>
/// Stores final utterances in the background. <see cref="TryEnqueue"/> is called from speech threads and
/// never blocks; a bounded queue feeds batched inserts. If the queue is full (the database is down or far
/// too slow) the utterance is dropped, counted in <see cref="Dropped"/> and logged — sized generously so
/// that this does not happen in normal operation.
/// </summary>
public sealed partial class TranscriptWriter : BackgroundService
{
    private readonly Channel<TranscriptUtterance> _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly TranscriptWriterOptions _options;
    private readonly ILogger<TranscriptWriter> _logger;
    private readonly ApiMetrics? _metrics;
    private long _dropped;
    private long _written;
    private long _failed;

    /// <summary>Creates the writer.</summary>
    public TranscriptWriter(IServiceScopeFactory scopes, TranscriptWriterOptions options, ILogger<TranscriptWriter> logger, ApiMetrics? metrics = null)
    {
        _metrics = metrics;
        _scopes = scopes;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<TranscriptUtterance>(new BoundedChannelOptions(Math.Max(1, options.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Utterances dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Utterances stored.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Utterances the database refused (e.g. their tenant was deleted meanwhile).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Utterances waiting to be written.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues an utterance for storage; false (and counted) when the queue is full. Never blocks.</summary>
    public bool TryEnqueue(TranscriptUtterance utterance)
    {
        if (_queue.Writer.TryWrite(utterance))
        {
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        _metrics?.TranscriptDropped();
        // Power-of-two counts only: a flood of drops must not become a flood of log lines.
        if ((dropped & (dropped - 1)) == 0)
        {
            LogDropped(_logger, dropped, _options.QueueCapacity);
        }

        return false;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TranscriptUtterance>(_options.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: store what is queued (bounded by the host's shutdown timeout).
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await DrainAsync(batch, shutdown.Token);
            }
            catch (OperationCanceledException)
            {
                LogShutdownLoss(_logger, _queue.Reader.Count + batch.Count);
            }
        }
    }

    private async Task DrainAsync(List<TranscriptUtterance> batch, CancellationToken ct)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                return;
            }

            await WriteAsync(batch, ct);
        }
    }

    private async Task WriteAsync(List<TranscriptUtterance> batch, CancellationToken ct)
    {
        // A database hiccup is retried a few times with growing pauses before the batch is split up.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InsertAsync(batch, ct);
                Interlocked.Add(ref _written, batch.Count);
                _metrics?.TranscriptsWritten(batch.Count);
                return;
            }
            catch (DbUpdateException) when (batch.Count > 1)
            {
                // One bad row (a tenant deleted mid-call) must not cost the others: store them one by one.
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 3)
            {
                LogRetry(_logger, ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Add(ref _failed, batch.Count);
                _metrics?.TranscriptsFailed(batch.Count);
                LogLost(_logger, ex, batch.Count);
                return;
            }
        }

        foreach (var one in batch)
        {
            try
            {
                await InsertAsync([one], ct);
                Interlocked.Increment(ref _written);
                _metrics?.TranscriptsWritten(1);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                _metrics?.TranscriptsFailed(1);
                LogLost(_logger, ex, 1);
            }
        }
    }

    private async Task InsertAsync(IReadOnlyList<TranscriptUtterance> rows, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Actor = "system:transcripts";
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        foreach (var row in rows)
        {
            // Ids are assigned by the database; a retried row must not carry a stale one.
            row.Id = 0;
        }

        db.Transcripts.AddRange(rows);
        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "Transcript queue full ({Capacity}): {Dropped} utterances dropped so far")]
    private static partial void LogDropped(ILogger logger, long dropped, int capacity);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Storing {Count} transcript utterances failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, int count, int attempt);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Error, Message = "{Count} transcript utterances could not be stored")]
    private static partial void LogLost(ILogger logger, Exception ex, int count);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Error, Message = "Shutdown: {Count} queued transcript utterances were not stored in time")]
    private static partial void LogShutdownLoss(ILogger logger, int count);
}
