using Microsoft.Extensions.Logging;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Translation;

/// <summary>One speaker's translation as the room sees it (a <see cref="TranslationPipeline"/> in production).</summary>
public interface ISpeakerPipeline : IAsyncDisposable
{
    /// <summary>Null while the speaker can be translated; otherwise why not.</summary>
    string? UnavailableReason { get; }

    /// <summary>True when <see cref="UnavailableReason"/> is a configuration gap (no recogniser for the language), not a failure.</summary>
    bool UnavailableByConfiguration => false;

    /// <summary>Queues one 20 ms frame of the speaker's own audio; never blocks.</summary>
    bool TryPushFrame(ReadOnlySpan<short> frame);

    /// <summary>The pipeline's events in production order; completes when the pipeline ends.</summary>
    IAsyncEnumerable<PipelineEvent> ReadEventsAsync(CancellationToken cancellationToken = default);
}

/// <summary>Starts speaker pipelines.</summary>
public interface ISpeakerPipelineFactory
{
    /// <summary>Starts a pipeline; an unsupported language is reported through <see cref="ISpeakerPipeline.UnavailableReason"/>, not thrown.</summary>
    Task<ISpeakerPipeline> StartAsync(TranslationPipelineOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Speaker pipelines on a set of engines (e.g. <c>LocalSpeechEngines.ForPipeline()</c>).</summary>
public sealed class EngineSpeakerPipelineFactory(TranslationEngines engines, ILoggerFactory? loggers = null, TimeProvider? time = null) : ISpeakerPipelineFactory
{
    /// <inheritdoc />
    public async Task<ISpeakerPipeline> StartAsync(TranslationPipelineOptions options, CancellationToken cancellationToken = default)
    {
        var pipeline = await TranslationPipeline.StartAsync(engines, options, loggers?.CreateLogger<TranslationPipeline>(), time, cancellationToken).ConfigureAwait(false);
        return new Adapter(pipeline);
    }

    private sealed class Adapter(TranslationPipeline pipeline) : ISpeakerPipeline
    {
        public string? UnavailableReason => pipeline.UnavailableReason;

        public bool UnavailableByConfiguration => pipeline.RecognitionNotConfigured;

        public bool TryPushFrame(ReadOnlySpan<short> frame) => pipeline.TryPushFrame(frame);

        public IAsyncEnumerable<PipelineEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => pipeline.ReadEventsAsync(cancellationToken);

        public ValueTask DisposeAsync() => pipeline.DisposeAsync();
    }
}
