namespace Tolk.Speech;

/// <summary>What a recogniser can do.</summary>
public sealed record RecognizerCapabilities(
    IReadOnlyList<string> Languages,
    bool Streaming,
    bool InterimResults,
    bool WordTimings,
    IReadOnlyList<int> SampleRates,
    bool CustomVocabulary)
{
    /// <summary>True when the engine recognises <paramref name="language"/> (BCP 47, primary subtag compared).</summary>
    public bool Supports(string language) => LanguageTags.ContainsLanguage(Languages, language);
}

/// <summary>What a translator can do.</summary>
public sealed record TranslatorCapabilities(IReadOnlyList<(string Source, string Target)> Pairs, bool Pivoting)
{
    /// <summary>True when the pair is translated directly or through a pivot.</summary>
    public bool Supports(string source, string target) =>
        Pairs.Any(p => LanguageTags.SameLanguage(p.Source, source) && LanguageTags.SameLanguage(p.Target, target));
}

/// <summary>A voice a synthesiser offers.</summary>
public sealed record VoiceInfo(string Id, string Language, VoiceGender Gender, string Description);

/// <summary>What a synthesiser can do.</summary>
public sealed record SynthesizerCapabilities(
    IReadOnlyList<string> Languages,
    IReadOnlyList<VoiceInfo> Voices,
    bool Streaming,
    bool Ssml,
    int OutputSampleRate)
{
    /// <summary>True when the engine speaks <paramref name="language"/>.</summary>
    public bool Supports(string language) => LanguageTags.ContainsLanguage(Languages, language);
}

/// <summary>Helpers for BCP 47 tags (only the primary language subtag matters to the engines here).</summary>
public static class LanguageTags
{
    /// <summary>The primary subtag, lower case: "en-US" → "en".</summary>
    public static string Primary(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var i = tag.IndexOfAny(['-', '_']);
        return (i < 0 ? tag : tag[..i]).ToLowerInvariant();
    }

    /// <summary>True when both tags name the same primary language.</summary>
    public static bool SameLanguage(string a, string b) => Primary(a) == Primary(b);

    /// <summary>True when <paramref name="tag"/>'s language is in <paramref name="list"/>.</summary>
    public static bool ContainsLanguage(IEnumerable<string> list, string tag) => list.Any(l => SameLanguage(l, tag));
}
