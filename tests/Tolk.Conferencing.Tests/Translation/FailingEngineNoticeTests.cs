using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tolk.Conferencing.Translation;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>
/// The whole chain with a real <see cref="TranslationPipeline"/>: a translator that throws makes the pipeline report
/// the target unavailable, and the room tells that target's listeners.
/// </summary>
public sealed class FailingEngineNoticeTests
{
    [Fact]
    public async Task Throwing_translator_makes_the_Spanish_listener_hear_the_notice_and_not_the_speaker()
    {
        var synth = new LevelSynthesizer();
        var engines = new TranslationEngines(new FlushRecognizer(), new ThrowingTranslator(), synth, () => new EnergyVad());
        await using var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth, PipelineFactory = new EngineSpeakerPipelineFactory(engines) });
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h.Translation.IsTranslating(h["bob"]), "pipelines");

        // Half a second of "speech", then silence for the endpointer.
        for (var i = 0; i < 25; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(Enumerable.Repeat((short)3000, 320).ToArray());
        }
        for (var i = 0; i < 40; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(new short[320]);
        }
        h.Tick(65);
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 1, "notice");
        Assert.Equal(1f, h["bob"].GetGainFrom(h["alice"]));
        foreach (var p in h.People.Values)
        {
            p.Output.Frames.Clear();
        }
        h.Tick(60);

        var bob = h.People["bob"].Output.Frames.SelectMany(f => f).ToArray();
        var alice = h.People["alice"].Output.Frames.SelectMany(f => f).ToArray();
        Assert.InRange(bob.Count(s => s == LevelSynthesizer.LevelOf("es")), 7900, 8000);
        Assert.All(alice, s => Assert.Equal(0, s));
        Assert.Contains(h.Events.Of<Tolk.Conferencing.Events.RoomTranslationStateEvent>(), e => e.ParticipantId == "alice" && e.TargetLanguage == "es" && !e.Available);
    }

    /// <summary>Speech when the frame is loud.</summary>
    private sealed class EnergyVad : IVoiceActivityDetector
    {
        public int FrameSamples => 320;

        public float Process(ReadOnlySpan<short> frame)
        {
            long sum = 0;
            foreach (var s in frame)
            {
                sum += Math.Abs((int)s);
            }
            return sum / frame.Length > 500 ? 1f : 0f;
        }

        public void Reset()
        {
        }
    }

    /// <summary>Recognises every utterance as "hello world" when it is flushed.</summary>
    private sealed class FlushRecognizer : ISpeechRecognizer
    {
        public string Name => "flush";

        public RecognizerCapabilities Capabilities { get; } = new(["en", "es"], true, false, true, [16000], false);

        public ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IRecognitionStream>(new Stream(options.Language));

        private sealed class Stream(string language) : IRecognitionStream
        {
            private readonly Channel<SpeechEvent> _events = Channel.CreateUnbounded<SpeechEvent>();

            public ValueTask PushAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

            public ValueTask FlushAsync(CancellationToken cancellationToken = default)
            {
                var words = new[] { new RecognizedWord("hello", TimeSpan.Zero, TimeSpan.FromMilliseconds(200), 0.9), new RecognizedWord("world", TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(450), 0.9) };
                _events.Writer.TryWrite(new FinalResultEvent(TimeSpan.Zero, "hello world", language, words, 0.9, TimeSpan.Zero, TimeSpan.FromMilliseconds(500)));
                _events.Writer.TryWrite(new SpeechEndedEvent(TimeSpan.FromMilliseconds(500)));
                return ValueTask.CompletedTask;
            }

            public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
            {
                _events.Writer.TryComplete();
                return ValueTask.CompletedTask;
            }

            public async IAsyncEnumerable<SpeechEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
            {
                await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken))
                {
                    yield return e;
                }
            }

            public ValueTask DisposeAsync()
            {
                _events.Writer.TryComplete();
                return ValueTask.CompletedTask;
            }
        }
    }

    private sealed class ThrowingTranslator : ITranslator
    {
        public string Name => "broken";

        public TranslatorCapabilities Capabilities { get; } = new([("en", "es"), ("es", "en")], false);

        public ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default) =>
            throw new SpeechProviderException("translation service down");
    }
}
