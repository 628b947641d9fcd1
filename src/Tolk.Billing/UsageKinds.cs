namespace Tolk.Billing;

/// <summary>The metered kinds of use, with their units.</summary>
public static class UsageKinds
{
    /// <summary>Participant call time, in minutes.</summary>
    public const string CallMinutes = "call-minutes";
    /// <summary>Recognised audio, in seconds.</summary>
    public const string AsrSeconds = "asr-seconds";
    /// <summary>Translated text, in characters.</summary>
    public const string TranslationCharacters = "mt-characters";
    /// <summary>Synthesised text, in characters.</summary>
    public const string TtsCharacters = "tts-characters";

    /// <summary>Audio analysed for emotion, in seconds.</summary>
    public const string EmotionSeconds = "emotion-seconds";

    /// <summary>The unit of a kind.</summary>
    public static string UnitOf(string kind) => kind switch
    {
        CallMinutes => "minute",
        AsrSeconds or EmotionSeconds => "second",
        TranslationCharacters or TtsCharacters => "character",
        _ => "unit",
    };
}
