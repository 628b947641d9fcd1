using System.Runtime.CompilerServices;

namespace Tolk.Speech.Tests.Support;

public enum Fault
{
    Throw,
    Hang,
    Garbage,
}

/// <summary>Wraps a real translator and misbehaves on its first <c>failures</c> calls.</summary>
public sealed class FaultyTranslator(ITranslator inner, Fault fault, int failures) : ITranslator
{
    private int _calls;

    public string Name => "faulty-" + inner.Name;

    public TranslatorCapabilities Capabilities => inner.Capabilities;

    public async ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _calls) <= failures)
        {
            switch (fault)
            {
                case Fault.Throw:
                    throw new SpeechProviderException("injected failure");
                case Fault.Hang:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case Fault.Garbage:
                    return new TranslationResult("\uFFFD\uFFFD\u0001\u0002" + new string('#', 500), source, target, Name);
            }
        }

        return await inner.TranslateAsync(text, source, target, context, cancellationToken);
    }
}

/// <summary>Wraps a real synthesiser and hangs (or throws) on its first <c>failures</c> calls.</summary>
public sealed class FaultySynthesizer(ISpeechSynthesizer inner, Fault fault, int failures) : ISpeechSynthesizer
{
    private int _calls;

    public string Name => "faulty-" + inner.Name;

    public SynthesizerCapabilities Capabilities => inner.Capabilities;

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _calls) <= failures)
        {
            if (fault == Fault.Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            else if (fault == Fault.Garbage)
            {
                yield return new AudioChunk(new short[100], 8000);
            }

            throw new SpeechProviderException("injected failure");
        }

        await foreach (var c in inner.SynthesizeAsync(text, language, voice, context, cancellationToken))
        {
            yield return c;
        }
    }
}

/// <summary>Wraps a real recogniser; its first stream fails at the first flush.</summary>
public sealed class FaultyRecognizer(ISpeechRecognizer inner) : ISpeechRecognizer
{
    private int _streams;

    public string Name => "faulty-" + inner.Name;

    public RecognizerCapabilities Capabilities => inner.Capabilities;

    public async ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default)
    {
        var s = await inner.StartStreamAsync(options, context, cancellationToken);
        return Interlocked.Increment(ref _streams) == 1 ? new Broken(s) : s;
    }

    private sealed class Broken(IRecognitionStream inner) : IRecognitionStream
    {
        public ValueTask PushAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) => inner.PushAudioAsync(samples, cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => throw new SpeechProviderException("injected recogniser crash");

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public IAsyncEnumerable<SpeechEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => inner.ReadEventsAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
