using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Local.Tts;
using Tolk.Speech.Local.Vad;
using Tolk.Speech.Pipeline;
using Tolk.Speech.Tests.Support;

namespace Tolk.Speech.Tests;

/// <summary>
/// A caller known to be telephone band (a G.711 call) gets its recogniser set up before it speaks: pocketsphinx's
/// decoder costs ≈ 0.7 s of CPU to create, which would otherwise fall on the first phrase.
/// </summary>
public sealed class NarrowbandSourceTests(ApertiumFixture apertium) : IClassFixture<ApertiumFixture>
{
    [Fact]
    public async Task A_narrowband_source_gets_its_decoder_at_once_and_an_unknown_one_waits_for_speech()
    {
        var recognizer = new PocketSphinxRecognizer();

        await using var known = await recognizer.StartStreamAsync(new RecognitionOptions("en", NarrowbandSource: true), SpeechContext.None);
        await using var unknown = await recognizer.StartStreamAsync(new RecognitionOptions("en"), SpeechContext.None);

        Assert.Equal(AudioBandwidth.Narrowband, ((PocketSphinxStream)known).Bandwidth);
        Assert.Null(((PocketSphinxStream)unknown).Bandwidth); // detected from the first loud frames
    }

    [Fact]
    public async Task A_band_the_operator_forced_wins_over_the_hint()
    {
        var recognizer = new PocketSphinxRecognizer(new PocketSphinxOptions { Bandwidth = AudioBandwidth.Wideband });

        await using var stream = await recognizer.StartStreamAsync(new RecognitionOptions("en", NarrowbandSource: true), SpeechContext.None);

        Assert.Equal(AudioBandwidth.Wideband, ((PocketSphinxStream)stream).Bandwidth);
    }

    [Fact]
    public async Task A_narrowband_transform_that_is_not_there_is_a_clear_error_when_the_decoder_starts()
    {
        var recognizer = new PocketSphinxRecognizer(new PocketSphinxOptions { NarrowbandMllr = "/nonexistent/narrowband.mllr" });

        var ex = await Assert.ThrowsAsync<SpeechProviderException>(async () =>
            await recognizer.StartStreamAsync(new RecognitionOptions("en", NarrowbandSource: true), SpeechContext.None));

        Assert.Contains("MLLR transform not found: /nonexistent/narrowband.mllr", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, AudioBandwidth.Narrowband)]
    [InlineData(false, null)]
    public async Task A_pipeline_for_a_narrowband_source_has_its_decoder_before_the_first_frame(bool narrowband, AudioBandwidth? expected)
    {
        var recognizer = new CapturingRecognizer(new PocketSphinxRecognizer());
        var engines = new TranslationEngines(recognizer, apertium.Translator, new EspeakSynthesizer(), () => new SpectralVad(), new ProsodyEmotionDetector());
        await using var pipeline = await TranslationPipeline.StartAsync(engines, new TranslationPipelineOptions
        {
            SourceLanguage = "en",
            TargetLanguages = ["es"],
            NarrowbandSource = narrowband,
        });

        // No audio yet: the stream opened with the pipeline already has its decoder when the band is known.
        var stream = Assert.Single(recognizer.Streams);
        Assert.Equal(expected, ((PocketSphinxStream)stream).Bandwidth);
    }

    private sealed class CapturingRecognizer(ISpeechRecognizer inner) : ISpeechRecognizer
    {
        public System.Collections.Concurrent.ConcurrentQueue<IRecognitionStream> Streams { get; } = new();

        public string Name => inner.Name;

        public RecognizerCapabilities Capabilities => inner.Capabilities;

        public async ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default)
        {
            var stream = await inner.StartStreamAsync(options, context, cancellationToken);
            Streams.Enqueue(stream);
            return stream;
        }
    }
}
