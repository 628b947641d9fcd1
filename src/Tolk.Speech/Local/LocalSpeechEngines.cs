using Tolk.Speech.Local.Apertium;
using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Local.Tts;
using Tolk.Speech.Local.Vad;
using Tolk.Speech.Metering;
using Tolk.Speech.Pipeline;
using Tolk.Speech.Resilience;

namespace Tolk.Speech.Local;

/// <summary>
/// The offline engine set, wired the way live calls use it: resilience decorators inside, metering outside (so
/// usage is recorded once per successful call). One instance per process: it owns the resident Apertium
/// pipelines, which all pipelines share.
/// </summary>
public sealed class LocalSpeechEngines : IDisposable
{
    private readonly ApertiumTranslator _apertium;

    /// <summary>Builds the engines; <paramref name="sink"/> receives every usage record.</summary>
    public LocalSpeechEngines(ISpeechUsageSink sink, TimeProvider? timeProvider = null, PocketSphinxOptions? pocketSphinx = null, ApertiumOptions? apertium = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var time = timeProvider ?? TimeProvider.System;
        _apertium = new ApertiumTranslator(apertium);
        Recognizer = new MeteredRecognizer(new PocketSphinxRecognizer(pocketSphinx, time), sink);
        Translator = new MeteredTranslator(new ResilientTranslator(_apertium, new SpeechResilienceOptions { Timeout = TimeSpan.FromSeconds(2), MaxRetries = 1 }, time), sink, time);
        // espeak-ng speaks every language; flite is the fallback for English if espeak-ng fails.
        Synthesizer = new MeteredSynthesizer(new ResilientSynthesizer(new EspeakSynthesizer(), new FliteSynthesizer(), new SpeechResilienceOptions { Timeout = TimeSpan.FromSeconds(2), MaxRetries = 1 }), sink, time);
        Emotion = new MeteredEmotionDetector(new ProsodyEmotionDetector(), sink, time);
    }

    /// <summary>pocketsphinx (US English).</summary>
    public ISpeechRecognizer Recognizer { get; }

    /// <summary>Apertium with pivoting.</summary>
    public ITranslator Translator { get; }

    /// <summary>espeak-ng with flite fallback.</summary>
    public ISpeechSynthesizer Synthesizer { get; }

    /// <summary>Prosody + lexicon emotion.</summary>
    public IEmotionDetector Emotion { get; }

    /// <summary>A new VAD instance.</summary>
    public static IVoiceActivityDetector CreateVad() => new SpectralVad();

    /// <summary>The set as <see cref="TranslationEngines"/> for <see cref="TranslationPipeline.StartAsync"/>.</summary>
    public TranslationEngines ForPipeline() => new(Recognizer, Translator, Synthesizer, CreateVad, Emotion);

    /// <summary>Stops the resident Apertium pipelines.</summary>
    public void Dispose() => _apertium.Dispose();
}
