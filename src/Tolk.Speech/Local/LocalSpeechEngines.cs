using Microsoft.Extensions.Logging;
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
public sealed partial class LocalSpeechEngines : IDisposable
{
    private readonly ApertiumTranslator _apertium;

    /// <summary>
    /// Builds the engines; <paramref name="sink"/> receives every usage record. The VAD is chosen here, once
    /// (<paramref name="vad"/>, default: Silero when its model loads, else spectral), and the choice is logged to
    /// <paramref name="logger"/> in one line.
    /// </summary>
    public LocalSpeechEngines(ISpeechUsageSink sink, TimeProvider? timeProvider = null, PocketSphinxOptions? pocketSphinx = null, ApertiumOptions? apertium = null, VadOptions? vad = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var time = timeProvider ?? TimeProvider.System;
        Vad = VadSelection.Choose(vad);
        if (logger is not null)
        {
            if (Vad.IsDegraded)
            {
                Log.VadDegraded(logger, Vad.Reason);
            }
            else
            {
                Log.VadChosen(logger, Vad.Reason);
            }
        }

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

    /// <summary>The VAD in use (Silero or spectral) and why.</summary>
    public VadSelection Vad { get; }

    /// <summary>A new VAD instance, one per stream.</summary>
    public IVoiceActivityDetector CreateVad() => Vad.Create();

    /// <summary>The set as <see cref="TranslationEngines"/> for <see cref="TranslationPipeline.StartAsync"/>.</summary>
    public TranslationEngines ForPipeline() => new(Recognizer, Translator, Synthesizer, CreateVad, Emotion);

    /// <summary>Stops the resident Apertium pipelines.</summary>
    public void Dispose() => _apertium.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 4140, Level = LogLevel.Information, Message = "{Choice}")]
        public static partial void VadChosen(ILogger logger, string choice);

        [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "{Choice}")]
        public static partial void VadDegraded(ILogger logger, string choice);
    }
}
