using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Voices;

/// <summary>Voice profiles waiting for training.</summary>
public sealed class VoiceTrainingQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(1024) { SingleReader = true });

    /// <summary>Queues a profile for training.</summary>
    public ValueTask EnqueueAsync(Guid voiceId, CancellationToken ct) => _channel.Writer.WriteAsync(voiceId, ct);

    internal ChannelReader<Guid> Reader => _channel.Reader;
}

/// <summary>
/// The background training job: analyses each uploaded sample and stores the result on the profile
/// (status pending → training → ready or failed). On start it also picks up profiles left pending.
/// </summary>
public sealed partial class VoiceTrainingService(VoiceTrainingQueue queue, IServiceScopeFactory scopes, ILogger<VoiceTrainingService> logger) : BackgroundService
{
    /// <summary>Shortest usable sample of speech.</summary>
    public const double MinVoicedSeconds = 1.0;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
                foreach (var id in await db.Voices.Where(v => v.Status == VoiceTrainingStatus.Pending || v.Status == VoiceTrainingStatus.Training)
                             .Select(v => v.Id).ToListAsync(stoppingToken))
                {
                    await queue.EnqueueAsync(id, stoppingToken);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTrainingFailed(logger, Guid.Empty, ex);
        }

        await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await TrainAsync(id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTrainingFailed(logger, id, ex);
            }
        }
    }

    private async Task TrainAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Actor = "system:voice-training";
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var voice = await db.Voices.FirstOrDefaultAsync(v => v.Id == id, ct);
        if (voice is null)
        {
            return;
        }

        voice.Status = VoiceTrainingStatus.Training;
        await db.SaveChangesAsync(ct);

        var (samples, rate, error) = WavAnalyzer.Read(voice.Sample ?? []);
        if (samples is null)
        {
            voice.Status = VoiceTrainingStatus.Failed;
            voice.StatusDetail = error;
        }
        else
        {
            var analysis = await Task.Run(() => WavAnalyzer.Analyze(samples, rate), ct);
            voice.DurationSeconds = analysis.DurationSeconds;
            voice.MedianPitchHz = analysis.MedianPitchHz;
            voice.SpeakingRate = analysis.SpeakingRate;
            if (analysis.VoicedSeconds < MinVoicedSeconds || analysis.MedianPitchHz is null)
            {
                voice.Status = VoiceTrainingStatus.Failed;
                voice.StatusDetail = $"Too little voiced speech ({analysis.VoicedSeconds:0.0} s); upload at least {MinVoicedSeconds} s.";
            }
            else
            {
                voice.Status = VoiceTrainingStatus.Ready;
                voice.StatusDetail = null;
                voice.ProviderVoiceId = $"local:{voice.Id:N}";
            }
        }

        await db.SaveChangesAsync(ct);
        LogTrained(logger, id, voice.Status);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Voice {VoiceId} training finished: {Status}")]
    private static partial void LogTrained(ILogger logger, Guid voiceId, VoiceTrainingStatus status);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Voice {VoiceId} training failed")]
    private static partial void LogTrainingFailed(ILogger logger, Guid voiceId, Exception exception);
}
