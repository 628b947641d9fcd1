using System.Runtime.CompilerServices;

namespace Tolk.Speech.Metering;

/// <summary>Records a <see cref="SpeechUsage"/> (characters) for every successful translation.</summary>
public sealed class MeteredTranslator(ITranslator inner, ISpeechUsageSink sink, TimeProvider? timeProvider = null) : ITranslator
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public TranslatorCapabilities Capabilities => inner.Capabilities;

    /// <inheritdoc />
    public async ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
    {
        var result = await inner.TranslateAsync(text, source, target, context, cancellationToken).ConfigureAwait(false);
        sink.Record(new SpeechUsage(context, result.Provider, SpeechUsageKind.Translation, 0, text.Length, _time.GetUtcNow()));
        return result;
    }
}

/// <summary>Records a <see cref="SpeechUsage"/> (characters in, audio seconds out) for every synthesis.</summary>
public sealed class MeteredSynthesizer(ISpeechSynthesizer inner, ISpeechUsageSink sink, TimeProvider? timeProvider = null) : ISpeechSynthesizer
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public SynthesizerCapabilities Capabilities => inner.Capabilities;

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        double seconds = 0;
        try
        {
            await foreach (var chunk in inner.SynthesizeAsync(text, language, voice, context, cancellationToken).ConfigureAwait(false))
            {
                seconds += chunk.Duration.TotalSeconds;
                yield return chunk;
            }
        }
        finally
        {
            // Partial output is billed too: the characters were sent to the engine.
            sink.Record(new SpeechUsage(context, inner.Name, SpeechUsageKind.Synthesis, seconds, text.Length, _time.GetUtcNow()));
        }
    }
}

/// <summary>Forwards every <see cref="UsageEvent"/> of a recogniser's streams to the sink.</summary>
public sealed class MeteredRecognizer(ISpeechRecognizer inner, ISpeechUsageSink sink) : ISpeechRecognizer
{
    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public RecognizerCapabilities Capabilities => inner.Capabilities;

    /// <inheritdoc />
    public async ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default) =>
        new Stream(await inner.StartStreamAsync(options, context, cancellationToken).ConfigureAwait(false), sink);

    private sealed class Stream(IRecognitionStream inner, ISpeechUsageSink sink) : IRecognitionStream
    {
        public ValueTask PushAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) => inner.PushAudioAsync(samples, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public async IAsyncEnumerable<SpeechEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var e in inner.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e is UsageEvent u)
                {
                    sink.Record(u.Usage);
                }

                yield return e;
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>Records audio seconds for every emotion estimate.</summary>
public sealed class MeteredEmotionDetector(IEmotionDetector inner, ISpeechUsageSink sink, TimeProvider? timeProvider = null) : IEmotionDetector
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public async ValueTask<EmotionResult> DetectAsync(ReadOnlyMemory<short> audio, int sampleRate, string? text, SpeechContext context, CancellationToken cancellationToken = default)
    {
        var r = await inner.DetectAsync(audio, sampleRate, text, context, cancellationToken).ConfigureAwait(false);
        sink.Record(new SpeechUsage(context, inner.Name, SpeechUsageKind.Emotion, audio.Length / (double)sampleRate, 0, _time.GetUtcNow()));
        return r;
    }
}
