using Tolk.Speech.Audio;
using Tolk.Speech.Local.Apertium;
using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Local.Tts;
using Tolk.Speech.Local.Vad;
using Tolk.Speech.Pipeline;
using Tolk.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Tolk.Speech.Tests;

/// <summary>Frame-in/frame-out harness: a flite-spoken English WAV goes in as 20 ms frames, Spanish audio comes out.</summary>
public sealed class TranslationPipelineTests(ApertiumFixture apertium, ITestOutputHelper output) : IClassFixture<ApertiumFixture>
{
    private static short[] TwoPhrases(string voice)
    {
        var a = SpeechCorpus.Load(SpeechCorpus.Wide(0, voice)); // the weather is nice today
        var b = SpeechCorpus.Load(SpeechCorpus.Wide(5, voice)); // thank you very much for your help
        var gap = new short[SpeechAudio.SampleRate];
        return [.. gap[..8000], .. a, .. gap, .. b, .. gap];
    }

    private TranslationEngines Engines(ITranslator? translator = null, ISpeechSynthesizer? synthesizer = null, ISpeechRecognizer? recognizer = null) => new(
        recognizer ?? new PocketSphinxRecognizer(),
        translator ?? apertium.Translator,
        synthesizer ?? new EspeakSynthesizer(),
        () => new SpectralVad(),
        new ProsodyEmotionDetector());

    private static async Task<List<PipelineEvent>> RunAsync(
        TranslationEngines engines,
        short[] audio,
        Action<TranslationPipeline>? inspect = null,
        TimeSpan? translationTimeout = null,
        TimeSpan? synthesisTimeout = null,
        Func<TranslationPipelineOptions, TranslationPipelineOptions>? configure = null)
    {
        var options = new TranslationPipelineOptions
        {
            SourceLanguage = "en-US",
            TargetLanguages = ["es", "en"],
            Context = new SpeechContext("t1", "c1", "alice"),
            // Generous for every stage that works (see RealEngineTimeouts); a hang test shortens only its own stage.
            TranslationTimeout = translationTimeout ?? RealEngineTimeouts.Stage,
            SynthesisTimeout = synthesisTimeout ?? RealEngineTimeouts.Stage,
            RecognitionTimeout = TimeSpan.FromSeconds(30),
        };
        await using var pipeline = await TranslationPipeline.StartAsync(engines, configure?.Invoke(options) ?? options);
        var events = new List<PipelineEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in pipeline.ReadEventsAsync())
            {
                events.Add(e);
            }
        });
        for (var o = 0; o + SpeechAudio.FrameSamples <= audio.Length; o += SpeechAudio.FrameSamples)
        {
            await pipeline.PushFrameAsync(audio.AsMemory(o, SpeechAudio.FrameSamples));
        }

        await pipeline.CompleteAsync();
        await reader;
        inspect?.Invoke(pipeline);
        return events;
    }

    [Fact]
    public async Task English_speech_in_Spanish_audio_and_transcript_out()
    {
        VoiceSettings? voice = null;
        var events = await RunAsync(Engines(), TwoPhrases("rms"), p => voice = p.CurrentVoice);
        var transcripts = events.OfType<TranscriptEntry>().ToList();
        foreach (var t in transcripts)
        {
            output.WriteLine($"#{t.PhraseId} '{t.Text}' → '{t.Translations.GetValueOrDefault("es")}' emotion {t.Emotion?.Label} ({t.Emotion?.Confidence:F2})");
        }

        foreach (var l in events.OfType<StageLatency>())
        {
            output.WriteLine($"#{l.PhraseId} {l.Stage} {l.TargetLanguage} {l.Duration.TotalMilliseconds:F0} ms");
        }

        Assert.Equal(2, transcripts.Count);
        Assert.All(transcripts, t => Assert.Equal("alice", t.SpeakerId));
        Assert.All(transcripts, t => Assert.False(t.Translations.ContainsKey("en")));
        var spanish = string.Join(' ', transcripts.Select(t => t.Translations["es"]));
        Assert.Contains("tiempo", spanish, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("gracias", spanish, StringComparison.OrdinalIgnoreCase);
        Assert.All(transcripts, t => Assert.NotNull(t.Emotion));

        var audio = events.OfType<TranslatedAudio>().ToList();
        Assert.All(audio, a => Assert.Equal("es", a.TargetLanguage));
        Assert.Equal(2, audio.Count(a => a.IsFirst));
        var pcm = audio.SelectMany(a => a.Samples).ToArray();
        Assert.InRange(pcm.Length / (double)SpeechAudio.SampleRate, 1.5, 10);
        Assert.True(AudioMath.Dbfs(pcm) > -35);

        // Streaming: the first audio of each phrase is emitted before its transcript entry (which waits for all audio).
        foreach (var t in transcripts)
        {
            var firstAudio = events.FindIndex(e => e is TranslatedAudio a && a.PhraseId == t.PhraseId);
            Assert.True(firstAudio >= 0 && firstAudio < events.IndexOf(t));
        }

        Assert.Contains(events, e => e is StageLatency { Stage: PipelineStage.Recognition });
        Assert.Contains(events, e => e is StageLatency { Stage: PipelineStage.FirstAudio, TargetLanguage: "es" });
        Assert.DoesNotContain(events, e => e is TranslationUnavailable);
        // rms is a male voice: the adapted TTS voice stays male.
        Assert.Equal(VoiceGender.Male, voice!.Gender);
    }

    [Fact]
    public async Task Female_speaker_gets_a_female_voice()
    {
        VoiceSettings? voice = null;
        double pitch = 0;
        await RunAsync(Engines(), TwoPhrases("slt"), p => (voice, pitch) = (p.CurrentVoice, p.SpeakerMedianPitchHz));
        output.WriteLine($"median pitch {pitch:F0} Hz → {voice}");
        Assert.Equal(VoiceGender.Female, voice!.Gender);
    }

    [Fact]
    public async Task A_rooms_voice_for_the_target_sets_the_dialect_and_stands_in_for_a_speaker_without_a_profile()
    {
        // slt is a female voice; the room's Spanish is Latin American with a deep male house voice.
        var synthesizer = new RecordingSynthesizer(new EspeakSynthesizer());
        var audio = TwoPhrases("slt")[..(SpeechAudio.SampleRate * 4)];
        var house = new Dictionary<string, TargetVoice> { ["ES"] = new("es-419", new SpeakerVoiceProfile(100, 4)) };
        var events = await RunAsync(Engines(synthesizer: synthesizer), audio,
            configure: o => o with { TargetLanguages = ["es"], TargetVoices = house });
        Assert.NotEmpty(synthesizer.Calls);
        Assert.All(synthesizer.Calls, c => Assert.Equal("es-419", c.Language));
        Assert.All(synthesizer.Calls, c => Assert.Equal(VoiceGender.Male, c.Voice.Gender));
        Assert.True(AudioMath.Dbfs(events.OfType<TranslatedAudio>().SelectMany(a => a.Samples).ToArray()) > -35, "espeak-ng spoke es-419");

        // The speaker's own profile wins over the house voice; the dialect stays the room's.
        synthesizer.Calls.Clear();
        await RunAsync(Engines(synthesizer: synthesizer), audio,
            configure: o => o with { TargetLanguages = ["es"], TargetVoices = house, VoiceProfile = new SpeakerVoiceProfile(230, 4) });
        Assert.NotEmpty(synthesizer.Calls);
        Assert.All(synthesizer.Calls, c => Assert.Equal(("es-419", VoiceGender.Female), (c.Language, c.Voice.Gender)));

        // A dialect the synthesiser does not list is not asked for: the target's own language is spoken instead.
        synthesizer.Calls.Clear();
        await RunAsync(Engines(synthesizer: synthesizer), audio,
            configure: o => o with { TargetLanguages = ["es"], TargetVoices = new Dictionary<string, TargetVoice> { ["es"] = new("es-xx-nowhere") } });
        Assert.NotEmpty(synthesizer.Calls);
        Assert.All(synthesizer.Calls, c => Assert.Equal("es", c.Language));
    }

    [Fact]
    public async Task Phrase_latencies_count_from_where_the_sound_ended_not_from_the_vads_end_of_speech()
    {
        // Silero reports speech for 60–100 ms after the last sound; the endpointer then waits its own silence. The
        // phrase's trailing silence (and so its speech end) must be what the audio says, not the configured wait.
        Assert.True(SileroVad.TryCreate(null, out var probe, out var whyNot), $"Silero VAD unavailable: {whyNot}");
        probe!.Dispose();
        // No provisional end: one phrase, one endpoint, Silero's usual end silence.
        var endpointing = new EndpointerOptions { EndSilence = TimeSpan.FromMilliseconds(320), TentativeSilence = TimeSpan.FromMilliseconds(320) };
        var engines = Engines() with { VadFactory = () => { SileroVad.TryCreate(null, out var v, out _); return v!; } };
        var phrase = Trimmed(0, "rms");
        var events = await RunAsync(engines, [.. new short[8000], .. phrase, .. new short[SpeechAudio.SampleRate]],
            configure: o => o with { TargetLanguages = ["es"], Endpointing = endpointing });
        var ending = Assert.Single(events.OfType<StageLatency>(), l => l.Stage == PipelineStage.Endpointing);
        output.WriteLine($"trailing silence at the endpoint {ending.Duration.TotalMilliseconds:F0} ms (configured {endpointing.EndSilence.TotalMilliseconds:F0} ms)");
        // At least one 20 ms frame of hangover beyond the configured wait (without the measurement it is exactly 320).
        Assert.InRange(ending.Duration.TotalMilliseconds, endpointing.EndSilence.TotalMilliseconds + 20, endpointing.EndSilence.TotalMilliseconds + 200);
    }

    private sealed class RecordingSynthesizer(ISpeechSynthesizer inner) : ISpeechSynthesizer
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Language, VoiceSettings Voice)> Calls { get; } = new();

        public string Name => inner.Name;

        public SynthesizerCapabilities Capabilities => inner.Capabilities;

        public IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, CancellationToken cancellationToken = default)
        {
            Calls.Enqueue((language, voice));
            return inner.SynthesizeAsync(text, language, voice, context, cancellationToken);
        }
    }

    // A flite clip without its leading and trailing silence, so a test controls the pauses exactly.
    private static short[] Trimmed(int sentence, string voice)
    {
        var s = SpeechCorpus.Load(SpeechCorpus.Wide(sentence, voice));
        var first = Array.FindIndex(s, x => Math.Abs((int)x) > 300);
        var last = Array.FindLastIndex(s, x => Math.Abs((int)x) > 300);
        return s[first..(last + 1)];
    }

    [Fact]
    public async Task A_short_pause_inside_a_phrase_ends_it_only_provisionally_and_the_phrase_goes_on_as_one()
    {
        // 300 ms between the two sentences: past the provisional end (200 ms), short of the end (400 ms).
        var pause = new short[SpeechAudio.SampleRate * 3 / 10];
        var tail = new short[SpeechAudio.SampleRate];
        var translator = new SignallingTranslator(apertium.Translator);
        var events = await RunAsync(Engines(translator: translator), [.. tail[..8000], .. Trimmed(0, "rms"), .. pause, .. Trimmed(5, "rms"), .. tail]);
        var t = Assert.Single(events.OfType<TranscriptEntry>());
        output.WriteLine($"#{t.PhraseId} '{t.Text}' → '{t.Translations.GetValueOrDefault("es")}'");
        Assert.Equal(1, t.PhraseId);
        Assert.Contains("weather", t.Text, StringComparison.Ordinal);
        Assert.Contains("help", t.Text, StringComparison.Ordinal);
        Assert.Contains("tiempo", t.Translations["es"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("gracias", t.Translations["es"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(t.Words.Select(w => w.Start).Order(), t.Words.Select(w => w.Start));

        // Only the whole phrase was voiced: the speculative translation of its first half was dropped unheard.
        var audio = events.OfType<TranslatedAudio>().ToList();
        Assert.Single(audio, a => a.IsFirst);
        Assert.All(audio, a => Assert.Equal(1, a.PhraseId));
        Assert.Single(events.OfType<StageLatency>(), l => l.Stage == PipelineStage.Recognition);
        Assert.DoesNotContain(events, e => e is TranslationUnavailable);
        // The first half was translated speculatively at the pause, then the whole phrase (in chunks of at most 10 words).
        output.WriteLine(string.Join(" | ", translator.Requests));
        Assert.Equal(t.Text, string.Join(' ', translator.Requests.Skip(1)));
        var firstRequest = await translator.FirstCall;
        Assert.Contains("weather", firstRequest, StringComparison.Ordinal);
        Assert.DoesNotContain("help", firstRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Translation_starts_at_the_provisional_end_and_its_audio_waits_for_the_confirmation()
    {
        var translator = new SignallingTranslator(apertium.Translator);
        await using var pipeline = await TranslationPipeline.StartAsync(Engines(translator: translator), new TranslationPipelineOptions { SourceLanguage = "en", TargetLanguages = ["es"] }.WithGenerousTimeouts());
        var events = new List<PipelineEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in pipeline.ReadEventsAsync())
            {
                lock (events)
                {
                    events.Add(e);
                }
            }
        });
        async Task PushAsync(short[] audio)
        {
            for (var o = 0; o + SpeechAudio.FrameSamples <= audio.Length; o += SpeechAudio.FrameSamples)
            {
                await pipeline.PushFrameAsync(audio.AsMemory(o, SpeechAudio.FrameSamples));
            }
        }

        // The phrase and 300 ms of silence: the end is not confirmed yet, but translation is already under way.
        await PushAsync([.. new short[8000], .. Trimmed(0, "slt"), .. new short[SpeechAudio.SampleRate * 3 / 10]]);
        var request = await translator.FirstCall.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("weather", request, StringComparison.Ordinal);
        await Task.Delay(500); // time for synthesis to produce audio, which must be held back
        lock (events)
        {
            Assert.DoesNotContain(events, e => e is TranslatedAudio or TranscriptEntry);
        }

        // The pause reaches the end silence: the held audio is released as phrase 1.
        await PushAsync(new short[SpeechAudio.SampleRate]);
        await pipeline.CompleteAsync();
        await reader;
        Assert.Contains(events, e => e is TranslatedAudio { PhraseId: 1, IsFirst: true });
        var t = Assert.Single(events.OfType<TranscriptEntry>());
        Assert.Contains("tiempo", t.Translations["es"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, translator.Calls);
    }

    /// <summary>Passes through to a real translator and reports its first request.</summary>
    private sealed class SignallingTranslator(ITranslator inner) : ITranslator
    {
        private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

        public Task<string> FirstCall => _first.Task;

        public int Calls => _requests.Count;

        public IReadOnlyCollection<string> Requests => _requests;

        public string Name => inner.Name;

        public TranslatorCapabilities Capabilities => inner.Capabilities;

        public ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
        {
            _requests.Enqueue(text);
            _first.TrySetResult(text);
            return inner.TranslateAsync(text, source, target, context, cancellationToken);
        }
    }

    public static TheoryData<string> Faults => ["translator-throws", "translator-hangs", "translator-garbage", "synthesizer-hangs", "recognizer-crashes"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Engine_failure_reports_unavailable_and_recovers(string fault)
    {
        var engines = fault switch
        {
            "translator-throws" => Engines(translator: new FaultyTranslator(apertium.Translator, Fault.Throw, 1)),
            "translator-hangs" => Engines(translator: new FaultyTranslator(apertium.Translator, Fault.Hang, 1)),
            "translator-garbage" => Engines(translator: new FaultyTranslator(apertium.Translator, Fault.Garbage, 1)),
            "synthesizer-hangs" => Engines(synthesizer: new FaultySynthesizer(new EspeakSynthesizer(), Fault.Hang, 1)),
            _ => Engines(recognizer: new FaultyRecognizer(new PocketSphinxRecognizer())),
        };
        // A short timeout only for the stage that hangs; every other stage gets the healthy one. The hanging stage's
        // engine still serves phrase 2 under that short timeout: Apertium is started before the run so that its
        // cold start (the hung call never reached it) is not phrase 2's, and 5 s leaves a spawned espeak room.
        var hangTimeout = TimeSpan.FromSeconds(5);
        if (fault == "translator-hangs")
        {
            await apertium.Translator.TranslateAsync("hello", "en", "es", SpeechContext.None);
        }
        var events = await RunAsync(engines, TwoPhrases("slt"),
            translationTimeout: fault == "translator-hangs" ? hangTimeout : null,
            synthesisTimeout: fault == "synthesizer-hangs" ? hangTimeout : null);
        var down = events.OfType<TranslationUnavailable>().ToList();
        Assert.Contains(down, d => d.TargetLanguage == "es" && d.PhraseId == 1);
        Assert.All(down, d => output.WriteLine($"#{d.PhraseId} {d.TargetLanguage}: {d.Reason}"));
        // The second phrase is translated again.
        Assert.Contains(events, e => e is TranslatedAudio { PhraseId: 2 });
        if (fault != "recognizer-crashes")
        {
            Assert.Contains(events, e => e is TranslationRecovered { TargetLanguage: "es" });
        }

        Assert.Contains(events.OfType<TranscriptEntry>(), t => t.Translations.TryGetValue("es", out var es) && es.Contains("gracias", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_phrase_too_late_to_be_heard_is_transcribed_and_translated_but_not_spoken()
    {
        // Phrase 1's speech takes 8 s to start (a synthesiser stuck on an overloaded machine), so phrase 2 is reached
        // long after the 4 s limit: it is reported unavailable (the listeners hear the original) and not spoken,
        // and its translation still reaches the transcript.
        var synthesizer = new SlowFirstSynthesizer(new EspeakSynthesizer(), TimeSpan.FromSeconds(8));
        var events = await RunAsync(Engines(synthesizer: synthesizer), TwoPhrases("slt"),
            configure: o => o with { TargetLanguages = ["es"], MaxSpokenDelay = TimeSpan.FromSeconds(4) });

        Assert.Contains(events, e => e is TranslatedAudio { PhraseId: 1 });
        Assert.DoesNotContain(events, e => e is TranslatedAudio { PhraseId: 2 });
        var down = Assert.Single(events.OfType<TranslationUnavailable>());
        Assert.Equal(2, down.PhraseId);
        Assert.Contains("behind the speaker", down.Reason, StringComparison.Ordinal);
        var second = Assert.Single(events.OfType<TranscriptEntry>(), t => t.PhraseId == 2);
        Assert.Contains("gracias", second.Translations["es"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, synthesizer.Calls); // phrase 2 was never synthesised
    }

    /// <summary>Delays the first phrase's audio, then behaves as the engine it wraps.</summary>
    private sealed class SlowFirstSynthesizer(ISpeechSynthesizer inner, TimeSpan delay) : ISpeechSynthesizer
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Name => inner.Name;

        public SynthesizerCapabilities Capabilities => inner.Capabilities;

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await Task.Delay(delay, cancellationToken);
            }

            await foreach (var chunk in inner.SynthesizeAsync(text, language, voice, context, cancellationToken))
            {
                yield return chunk;
            }
        }
    }

    [Fact]
    public async Task Speaker_without_a_recogniser_is_reported_and_nothing_is_emitted()
    {
        await using var pipeline = await TranslationPipeline.StartAsync(Engines(), new TranslationPipelineOptions { SourceLanguage = "de", TargetLanguages = ["es"] });
        Assert.NotNull(pipeline.UnavailableReason);
        Assert.Contains("de", pipeline.UnavailableReason, StringComparison.Ordinal);
        await pipeline.PushFrameAsync(new short[SpeechAudio.FrameSamples]);
        Assert.False(pipeline.TryPushFrame(new short[SpeechAudio.FrameSamples]));
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadEventsAsync())
        {
            events.Add(e);
        }

        Assert.IsType<RecognitionUnavailable>(Assert.Single(events));
    }

    [Fact]
    public async Task Unreachable_target_is_reported_up_front()
    {
        await using var pipeline = await TranslationPipeline.StartAsync(Engines(), new TranslationPipelineOptions { SourceLanguage = "en", TargetLanguages = ["es", "ja"] });
        Assert.Null(pipeline.UnavailableReason);
        Assert.Equal(["es"], pipeline.TargetLanguages);
        await pipeline.CompleteAsync();
        var events = new List<PipelineEvent>();
        await foreach (var e in pipeline.ReadEventsAsync())
        {
            events.Add(e);
        }

        Assert.Contains(events, e => e is TranslationUnavailable { TargetLanguage: "ja", PhraseId: null });
    }

    [Theory]
    [InlineData("hola mundo", "", true)]
    [InlineData("hola", "\uFFFD\uFFFD\uFFFD", true)]
    [InlineData("the house", "la casa", false)]
    public void Garbage_detection(string source, string translated, bool garbage)
    {
        Assert.Equal(garbage, TranslationPipeline.LooksLikeGarbage(source, translated));
    }

    [Fact]
    public void Chunker_cuts_long_unpunctuated_phrases_at_pauses()
    {
        var words = new List<RecognizedWord>();
        var t = 0.0;
        var text = "one two three four five six seven eight nine ten eleven twelve";
        foreach (var (w, i) in text.Split(' ').Select((w, i) => (w, i)))
        {
            var gap = i == 6 ? 0.4 : 0.05;
            words.Add(new RecognizedWord(w, TimeSpan.FromSeconds(t + gap), TimeSpan.FromSeconds(t + gap + 0.3), 1));
            t += gap + 0.3;
        }

        var chunks = TextChunker.Split(text, words, 8);
        Assert.Equal(["one two three four five six", "seven eight nine ten eleven twelve"], chunks);
        Assert.Equal(["Hello there.", "How are you?"], TextChunker.Split("Hello there. How are you?", null, 10));
    }
}

public sealed class LocalSpeechEnginesTests
{
    [Fact]
    public async Task Wired_engines_translate_a_phrase_and_meter_every_call()
    {
        var sink = new InMemorySpeechUsageSink();
        using var engines = new Tolk.Speech.Local.LocalSpeechEngines(sink);
        var ctx = new SpeechContext("tenant-1", "call-1", "alice");
        await using var pipeline = await TranslationPipeline.StartAsync(engines.ForPipeline(), new TranslationPipelineOptions { SourceLanguage = "en", TargetLanguages = ["es"], Context = ctx }.WithGenerousTimeouts());
        var clip = SpeechCorpus.Load(SpeechCorpus.Wide(6, "rms")); // the project is running late
        short[] audio = [.. new short[8000], .. clip, .. new short[16000]];
        var reader = Task.Run(async () =>
        {
            var list = new List<PipelineEvent>();
            await foreach (var e in pipeline.ReadEventsAsync())
            {
                list.Add(e);
            }

            return list;
        });
        for (var o = 0; o + SpeechAudio.FrameSamples <= audio.Length; o += SpeechAudio.FrameSamples)
        {
            await pipeline.PushFrameAsync(audio.AsMemory(o, SpeechAudio.FrameSamples));
        }

        await pipeline.CompleteAsync();
        var events = await reader;
        var t = Assert.Single(events.OfType<TranscriptEntry>());
        Assert.Contains("proyecto", t.Translations["es"], StringComparison.OrdinalIgnoreCase);
        Assert.All(sink.Items, u => Assert.Equal(ctx, u.Context));
        Assert.Contains(sink.Items, u => u.Kind == SpeechUsageKind.Recognition && u.AudioSeconds > 1);
        Assert.Contains(sink.Items, u => u.Kind == SpeechUsageKind.Translation && u.Characters > 10);
        Assert.Contains(sink.Items, u => u.Kind == SpeechUsageKind.Synthesis && u.AudioSeconds > 0.5);
        Assert.Contains(sink.Items, u => u.Kind == SpeechUsageKind.Emotion);
    }
}
