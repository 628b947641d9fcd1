using Tolk.Speech.Local.Vad;

namespace Tolk.Speech.Pipeline;

/// <summary>The engines a pipeline uses (usually wrapped in resilience and metering decorators).</summary>
/// <param name="Recognizer">Speech recogniser.</param>
/// <param name="Translator">Text translator.</param>
/// <param name="Synthesizer">Speech synthesiser.</param>
/// <param name="VadFactory">Creates one VAD per pipeline.</param>
/// <param name="Emotion">Optional emotion detector.</param>
public sealed record TranslationEngines(
    ISpeechRecognizer Recognizer,
    ITranslator Translator,
    ISpeechSynthesizer Synthesizer,
    Func<IVoiceActivityDetector> VadFactory,
    IEmotionDetector? Emotion = null);

/// <summary>Settings of one speaker's pipeline (a record, so a copy with other settings is one <c>with</c>).</summary>
public sealed record TranslationPipelineOptions
{
    /// <summary>The speaker's language (BCP 47).</summary>
    public required string SourceLanguage { get; init; }

    /// <summary>Languages to translate into (the speaker's own language is ignored).</summary>
    public required IReadOnlyList<string> TargetLanguages { get; init; }

    /// <summary>Tenant, call and speaker ids for usage and transcripts.</summary>
    public SpeechContext Context { get; init; } = SpeechContext.None;

    /// <summary>Phrase detection.</summary>
    public EndpointerOptions Endpointing { get; init; } = new();

    /// <summary>Audio kept from before the detected speech start, so onsets are not clipped.</summary>
    public TimeSpan PreRoll { get; init; } = TimeSpan.FromMilliseconds(240);

    /// <summary>Longest wait for a final result after the endpoint.</summary>
    public TimeSpan RecognitionTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest wait for one translation.</summary>
    public TimeSpan TranslationTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest wait for a synthesised chunk.</summary>
    public TimeSpan SynthesisTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest text chunk sent to MT/TTS at once, in words (long phrases are cut at pauses).</summary>
    public int MaxChunkWords { get; init; } = 10;

    /// <summary>Hint phrases for the recogniser (room vocabulary).</summary>
    public IReadOnlyList<string>? HintPhrases { get; init; }

    /// <summary>Adapt the synthetic voice to the speaker's pitch and rate.</summary>
    public bool AdaptVoice { get; init; } = true;

    /// <summary>A fixed voice (e.g. from the speaker's voice profile) that overrides adaptation; pitch/rate still adapt unless <see cref="AdaptVoice"/> is false.</summary>
    public VoiceSettings? VoiceOverride { get; init; }

    /// <summary>The speaker's stored voice profile: its pitch and rate replace the live estimate, its provider voice id is used when the synthesiser has it.</summary>
    public SpeakerVoiceProfile? VoiceProfile { get; init; }

    /// <summary>
    /// A room's voice per target language (keys compared case-insensitively), for the targets that have one: the
    /// dialect the synthesiser speaks and a house voice profile used when the speaker has none of their own.
    /// </summary>
    public IReadOnlyDictionary<string, TargetVoice>? TargetVoices { get; init; }

    /// <summary>
    /// Longest after the end of a phrase's sound that its translation may start and still be spoken; null (the
    /// default, for audio pushed faster than real time) never gives up. A later phrase is still recognised and
    /// translated for the transcript, but not synthesised: each target is reported unavailable for it (so the
    /// listeners hear the original) until a phrase is in time again. Set it when frames arrive in real time — on an
    /// overloaded server a translation heard tens of seconds late is worse than the original.
    /// </summary>
    public TimeSpan? MaxSpokenDelay { get; init; }

    /// <summary>
    /// True when the speaker's audio is known to be telephone band (a G.711 call): the recogniser, opened as the pipeline
    /// starts, then sets up at once instead of at the first word (pocketsphinx takes ≈ 0.7 s of CPU to create a decoder).
    /// </summary>
    public bool NarrowbandSource { get; init; }

    /// <summary>Input frames queued before <see cref="TranslationPipeline.TryPushFrame"/> starts dropping.</summary>
    public int InputQueueFrames { get; init; } = 1500;
}

/// <summary>How one target language is spoken in a room.</summary>
/// <param name="SynthesisLanguage">The language tag the synthesiser is asked for instead of the target's own (a dialect,
/// e.g. "pt-br" for "pt"), or null.</param>
/// <param name="Profile">A house voice for the language: its pitch and rate apply when the speaker has no voice profile
/// of their own, or null.</param>
public sealed record TargetVoice(string? SynthesisLanguage, SpeakerVoiceProfile? Profile = null);
