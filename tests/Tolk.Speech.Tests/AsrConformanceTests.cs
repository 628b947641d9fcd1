using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Text;
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
        { "pocketsphinx", "narrow", 0.30 },
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
        var metered = new Metering.MeteredRecognizer(recognizer, sink);
        var events = new List<SpeechEvent>();
        var clips = new List<string>();
        for (var i = 0; i < ClipsPerVoice; i++)
        {
            foreach (var v in SpeechCorpus.Voices)
            {
                // A fresh stream per clip: each clip is the first phrase of a new speaker, the hardest case for
                // pocketsphinx's live cepstral mean (one shared stream adapts after the first clip and hides it).
                await using var stream = await metered.StartStreamAsync(new RecognitionOptions("en-US"), SpeechContext.None);
                var reader = Task.Run(async () =>
                {
                    var list = new List<SpeechEvent>();
                    await foreach (var e in stream.ReadEventsAsync())
                    {
                        list.Add(e);
                    }

                    return list;
                });
                var audio = SpeechCorpus.Load(band == "wide" ? SpeechCorpus.Wide(i, v) : SpeechCorpus.Narrow(i, v));
                for (var o = 0; o < audio.Length; o += SpeechAudio.FrameSamples)
                {
                    await stream.PushAudioAsync(audio.AsMemory(o, Math.Min(SpeechAudio.FrameSamples, audio.Length - o)));
                }

                await stream.FlushAsync();
                await stream.CompleteAsync();
                events.AddRange(await reader);
                clips.Add(SpeechCorpus.Sentences[i]);
            }
        }

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
            var (e, n) = WordErrorRate.Count(clips[i], hyps[i]);
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
    public void Bandwidth_detector_tells_telephone_band_from_wideband_speech()
    {
        for (var i = 0; i < 3; i++)
        {
            foreach (var v in SpeechCorpus.Voices)
            {
                var wide = new Audio.BandwidthDetector();
                wide.Add(SpeechCorpus.Load(SpeechCorpus.Wide(i, v)));
                var narrow = new Audio.BandwidthDetector();
                narrow.Add(SpeechCorpus.Load(SpeechCorpus.Narrow(i, v)));
                output.WriteLine($"{i} {v}: wide {wide.HighBandShare:E1}, narrow {narrow.HighBandShare:E1}");
                Assert.False(wide.IsNarrowband);
                Assert.True(narrow.IsNarrowband);
            }
        }

        Assert.False(new Audio.BandwidthDetector().IsNarrowband); // no loud frame: no evidence
    }

    [Fact]
    public async Task Unsupported_language_is_a_clear_error()
    {
        var recognizer = new PocketSphinxRecognizer();
        Assert.False(recognizer.Capabilities.Supports("es"));
        await Assert.ThrowsAsync<UnsupportedLanguageException>(async () => await recognizer.StartStreamAsync(new RecognitionOptions("es"), SpeechContext.None));
    }
}
