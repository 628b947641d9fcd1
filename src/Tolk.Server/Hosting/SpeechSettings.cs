using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tolk.Speech;
using Tolk.Speech.Local;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Local.Vad;

namespace Tolk.Server.Hosting;

/// <summary>The Speech configuration section: its checks and the engines it describes.</summary>
internal static class SpeechSettings
{
    /// <summary>
    /// The Speech section is checked at start-up, so that a bad value names its key instead of misbehaving in calls.
    /// </summary>
    public static void Check(TolkServerOptions.SpeechSection speech)
    {
        CheckEndpointing(speech.Endpointing);
        CheckRecognition(speech.Recognition);
    }

    /// <summary>
    /// The local engines as Speech configures them (checked first). The server makes one set per process; the
    /// `tolk speech` verbs make their own from the same configuration.
    /// </summary>
    public static LocalSpeechEngines CreateEngines(TolkServerOptions.SpeechSection speech, ISpeechUsageSink sink, TimeProvider? time = null, ILogger? logger = null)
    {
        Check(speech);
        return new LocalSpeechEngines(
            sink,
            time,
            BuildRecognition(speech.Recognition),
            vad: BuildVadOptions(speech.Vad),
            logger: logger);
    }

    /// <summary>pocketsphinx's defaults with Speech:Recognition applied over them.</summary>
    public static PocketSphinxOptions BuildRecognition(TolkServerOptions.RecognitionSection section)
    {
        var options = new PocketSphinxOptions { VocabularySize = section.VocabularySize };
        if (section.DecodeBlockMs is { } block)
        {
            options.DecodeBlockFrames = block / (int)SpeechAudio.Duration(SpeechAudio.FrameSamples).TotalMilliseconds;
        }

        if (section.NarrowbandMllr is { } mllr)
        {
            options.NarrowbandMllr = mllr.Length == 0 ? null : mllr;
        }

        return options;
    }

    /// <summary>The Speech section of a JSON configuration file (as for serve) with TOLK_ environment variables over it.</summary>
    public static TolkServerOptions.SpeechSection Load(string? configFile)
    {
        var options = new TolkServerOptions();
        ConfigurationSources.FileAndEnvironment(configFile).Bind(options);
        return options.Speech;
    }

    private static void CheckEndpointing(TolkServerOptions.EndpointingSection section)
    {
        if (section.EndSilenceMs is { } end && end is < 100 or > 3000)
        {
            throw new FormatException($"Speech:Endpointing:EndSilenceMs must be 100–3000 ms (was {end}).");
        }

        if (section.TentativeSilenceMs is { } tentative && tentative is < 0 or > 3000)
        {
            throw new FormatException($"Speech:Endpointing:TentativeSilenceMs must be 0–3000 ms (was {tentative}).");
        }
    }

    private static void CheckRecognition(TolkServerOptions.RecognitionSection section)
    {
        if (section.VocabularySize is not 0 and (< 1000 or > 200_000))
        {
            throw new FormatException($"Speech:Recognition:VocabularySize must be 0 (every word) or 1000–200000 (was {section.VocabularySize}).");
        }

        if (section.DecodeBlockMs is { } block && block is < 20 or > 1000)
        {
            throw new FormatException($"Speech:Recognition:DecodeBlockMs must be 20–1000 ms (was {block}).");
        }

        if (section.NarrowbandMllr is { Length: > 0 } mllr && !File.Exists(mllr))
        {
            throw new FormatException($"Speech:Recognition:NarrowbandMllr: no such file ({mllr}); leave it unset for the shipped transform or empty for none.");
        }
    }

    /// <summary>The detector's defaults (<see cref="EndpointerOptions.For"/>) with Speech:Endpointing applied over them.</summary>
    public static EndpointerOptions BuildEndpointing(TolkServerOptions.EndpointingSection section, VadEngine vad)
    {
        var result = EndpointerOptions.For(vad);
        if (section.EndSilenceMs is { } end)
        {
            result.EndSilence = TimeSpan.FromMilliseconds(end);
        }

        // At or above the end silence there is no provisional end; capped so the settings read as they act.
        var tentative = section.TentativeSilenceMs is { } t ? TimeSpan.FromMilliseconds(t) : result.TentativeSilence;
        result.TentativeSilence = tentative < result.EndSilence ? tentative : result.EndSilence;
        return result;
    }

    private static VadOptions BuildVadOptions(TolkServerOptions.VadSection vad) => new()
    {
        Engine = vad.Engine?.Trim().ToUpperInvariant() switch
        {
            null or "" or "AUTO" => VadEngine.Auto,
            "SILERO" => VadEngine.Silero,
            "SPECTRAL" => VadEngine.Spectral,
            _ => throw new FormatException($"Unknown VAD engine '{vad.Engine}' in Speech:Vad:Engine (use silero, spectral or auto)."),
        },
        SileroModelPath = string.IsNullOrWhiteSpace(vad.SileroModelPath) ? SileroVad.DefaultModelPath : vad.SileroModelPath,
    };
}
