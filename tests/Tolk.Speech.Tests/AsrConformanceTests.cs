using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Tolk.Speech.Tests;

/// <summary>
/// Every ASR engine on the same clips with a WER bound. Bounds are the measured WER plus margin (see the
/// speech README): pocketsphinx's wideband model does well on wideband synthetic speech and badly on
/// telephone-band audio, and the narrowband bound says so rather than hiding it.
/// </summary>
public sealed class AsrConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, double> Cases => new()
    {
        { "pocketsphinx", "wide", 0.15 },
        { "pocketsphinx", "narrow", 0.40 },
    };

    // Half the corpus keeps the suite quick; the benchmark driver measures the whole corpus.
    private const int ClipsPerVoice = 5;

    private static ISpeechRecognizer Create(string engine) => engine switch
    {
        "pocketsphinx" => new PocketSphinxRecognizer(),
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Recognises_corpus_within_WER_bound(string engine, string band, double bound)
    {
        var recognizer = Create(engine);
        var sink = new InMemorySpeechUsageSink();
        await using var stream = await new Metering.MeteredRecognizer(recognizer, sink).StartStreamAsync(new RecognitionOptions("en-US"), SpeechContext.None);
        var events = new List<SpeechEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in stream.ReadEventsAsync())
            {
                events.Add(e);
            }
        });

        var clips = new List<string>();
        for (var i = 0; i < ClipsPerVoice; i++)
        {
            foreach (var v in SpeechCorpus.Voices)
            {
                var audio = SpeechCorpus.Load(band == "wide" ? SpeechCorpus.Wide(i, v) : SpeechCorpus.Narrow(i, v));
                for (var o = 0; o < audio.Length; o += SpeechAudio.FrameSamples)
                {
                    await stream.PushAudioAsync(audio.AsMemory(o, Math.Min(SpeechAudio.FrameSamples, audio.Length - o)));
                }

                await stream.FlushAsync();
                clips.Add(SpeechCorpus.Sentences[i]);
            }
        }

        await stream.CompleteAsync();
        await reader;

        // Each flush ends with SpeechEnded; pair each utterance's final (if any) with its reference.
        var hyps = new List<string>();
        var current = string.Empty;
        foreach (var e in events)
        {
            if (e is FinalResultEvent f)
            {
                current = f.Text;
                Assert.All(f.Words, w => Assert.True(w.End > w.Start));
                Assert.Equal(f.Words.Select(w => w.Start).Order(), f.Words.Select(w => w.Start));
            }
            else if (e is SpeechEndedEvent)
            {
                hyps.Add(current);
                current = string.Empty;
            }
        }

        Assert.Equal(clips.Count, hyps.Count);
        int errors = 0, words = 0;
        for (var i = 0; i < clips.Count; i++)
        {
            var (e, n) = Wer.Count(clips[i], hyps[i]);
            errors += e;
            words += n;
        }

        var wer = (double)errors / words;
        output.WriteLine($"{engine} {band}: WER {wer:P1} ({errors}/{words})");
        Assert.True(wer <= bound, $"WER {wer:P1} above bound {bound:P0}");
        Assert.Contains(events, e => e is SpeechStartedEvent);
        if (band == "wide")
        {
            Assert.Contains(events, e => e is InterimResultEvent);
        }

        Assert.Equal(clips.Count, sink.Items.Count(u => u.Kind == SpeechUsageKind.Recognition));
        Assert.InRange(sink.Items.Sum(u => u.AudioSeconds), clips.Count * 1.0, clips.Count * 6.0);
    }

    [Fact]
    public async Task Unsupported_language_is_a_clear_error()
    {
        var recognizer = new PocketSphinxRecognizer();
        Assert.False(recognizer.Capabilities.Supports("es"));
        await Assert.ThrowsAsync<UnsupportedLanguageException>(async () => await recognizer.StartStreamAsync(new RecognitionOptions("es"), SpeechContext.None));
    }
}
