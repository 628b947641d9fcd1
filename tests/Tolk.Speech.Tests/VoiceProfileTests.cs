using System.Runtime.CompilerServices;
using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.Vad;
using Tolk.Speech.Metering;
using Tolk.Speech.Pipeline;

namespace Tolk.Speech.Tests;

/// <summary>A stored voice profile overrides the live pitch/rate estimate of <see cref="VoiceAdapter"/>.</summary>
public sealed class VoiceProfileTests
{
    private static ProsodyFeatures Phrase(double pitchHz, double syllablesPerSecond) => new(pitchHz, 2, -20, 6, syllablesPerSecond, -10, 0.01, 1.0);

    private static VoiceAdapter HighFastSpeaker()
    {
        var adapter = new VoiceAdapter();
        for (var i = 0; i < 3; i++)
        {
            adapter.Observe(Phrase(240, 5.6));
        }
        return adapter;
    }

    private static SynthesizerCapabilities Offering(params string[] voiceIds) =>
        new(["en", "es"], [.. voiceIds.Select(id => new VoiceInfo(id, "es", VoiceGender.Male, id))], Streaming: true, Ssml: false, OutputSampleRate: 16000);

    [Fact]
    public void Without_a_profile_the_live_estimate_decides()
    {
        var v = HighFastSpeaker().Choose(null, null, null);
        Assert.Equal(VoiceGender.Female, v.Gender);
        Assert.Equal(4, v.Variant);
        Assert.Equal(1.4, v.Rate, 6);
        Assert.Equal((int)(50 + (30 * Math.Log2(240 / 210.0))), v.Pitch);
    }

    [Fact]
    public void Profile_pitch_and_rate_replace_the_live_estimate()
    {
        var v = HighFastSpeaker().Choose(null, new SpeakerVoiceProfile(100, 3.2), null);
        Assert.Equal(VoiceGender.Male, v.Gender);
        Assert.Equal(3, v.Variant); // below 105 Hz: the deep male variant
        Assert.Equal(0.8, v.Rate, 6);
        Assert.Equal((int)(50 + (30 * Math.Log2(100 / 120.0))), v.Pitch);
        Assert.Null(v.VoiceId);
    }

    [Fact]
    public void Profile_applies_before_any_phrase_was_heard_and_a_partial_profile_keeps_the_rest_live()
    {
        var fresh = new VoiceAdapter().Choose(null, new SpeakerVoiceProfile(220, 4.8), null);
        Assert.Equal(VoiceGender.Female, fresh.Gender);
        Assert.Equal(1.2, fresh.Rate, 6);

        var rateOnly = new VoiceAdapter().Choose(null, new SpeakerVoiceProfile(null, 6), null);
        Assert.Equal(1.5, rateOnly.Rate, 6);
        Assert.Equal(VoiceSettings.Default.Pitch, rateOnly.Pitch);

        // Pitch from the profile, rate still from the live speaker.
        var pitchOnly = HighFastSpeaker().Choose(null, new SpeakerVoiceProfile(110, null), null);
        Assert.Equal(VoiceGender.Male, pitchOnly.Gender);
        Assert.Equal(1.4, pitchOnly.Rate, 6);
    }

    [Fact]
    public void Provider_voice_id_is_used_only_when_the_synthesiser_offers_it()
    {
        var profile = new SpeakerVoiceProfile(100, 4, "clone-123");
        Assert.Null(HighFastSpeaker().Choose(null, profile, Offering("other")).VoiceId);
        Assert.Null(HighFastSpeaker().Choose(null, profile, null).VoiceId);
        var v = HighFastSpeaker().Choose(null, profile, Offering("other", "clone-123"));
        Assert.Equal("clone-123", v.VoiceId);
        Assert.Equal(1.0, v.Rate, 6);
    }

    [Fact]
    public async Task Pipeline_voice_follows_the_profile_from_its_options()
    {
        var engines = new TranslationEngines(new NoRecognizer(), new NoTranslator(), new VoiceListSynthesizer(Offering("clone-9")), () => new SpectralVad());
        await using var withProfile = await TranslationPipeline.StartAsync(engines, new TranslationPipelineOptions
        {
            SourceLanguage = "en",
            TargetLanguages = ["es"],
            VoiceProfile = new SpeakerVoiceProfile(95, 5.2, "clone-9"),
        });
        Assert.Equal("clone-9", withProfile.CurrentVoice.VoiceId);
        Assert.Equal(1.3, withProfile.CurrentVoice.Rate, 6);
        Assert.Equal(VoiceGender.Male, withProfile.CurrentVoice.Gender);

        await using var without = await TranslationPipeline.StartAsync(engines, new TranslationPipelineOptions { SourceLanguage = "en", TargetLanguages = ["es"] });
        Assert.Equal(VoiceSettings.Default, without.CurrentVoice);
    }

    [Fact]
    public async Task Emotion_detection_is_metered_in_audio_seconds_with_the_callers_context()
    {
        var sink = new ListSink();
        var detector = new MeteredEmotionDetector(new ProsodyEmotionDetector(), sink);
        var context = new SpeechContext("tenant-1", "call-1", "alice");
        var tone = Enumerable.Range(0, 24000).Select(i => (short)(6000 * Math.Sin(2 * Math.PI * 180 * i / 16000.0))).ToArray();
        await detector.DetectAsync(tone, 16000, "I am very angry", context);
        var usage = Assert.Single(sink.Records);
        Assert.Equal(SpeechUsageKind.Emotion, usage.Kind);
        Assert.Equal(1.5, usage.AudioSeconds, 6);
        Assert.Equal(context, usage.Context);
    }

    private sealed class ListSink : ISpeechUsageSink
    {
        public List<SpeechUsage> Records { get; } = [];

        public void Record(SpeechUsage usage) => Records.Add(usage);
    }

    private sealed class NoRecognizer : ISpeechRecognizer
    {
        public string Name => "none";

        public RecognizerCapabilities Capabilities { get; } = new([], true, false, false, [16000], false);

        public ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }

    private sealed class NoTranslator : ITranslator
    {
        public string Name => "none";

        public TranslatorCapabilities Capabilities { get; } = new([("en", "es")], false);

        public ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }

    private sealed class VoiceListSynthesizer(SynthesizerCapabilities capabilities) : ISpeechSynthesizer
    {
        public string Name => "voices";

        public SynthesizerCapabilities Capabilities => capabilities;

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield break;
        }
    }
}
