using System.Collections.Concurrent;
using Tolk.Speech;

namespace Tolk.Conferencing.Translation;

/// <summary>
/// The short spoken notice listeners hear when a speaker's translation into their language becomes unavailable
/// ("Translation is unavailable; you are hearing the original speaker."), synthesised once per language by the
/// configured synthesiser and kept (the text never changes). A language without a text of its own, or that the
/// synthesiser does not speak, hears the English notice.
/// </summary>
public sealed class TranslationNotices
{
    private const int SampleRate = 16_000;

    private static readonly Dictionary<string, string> s_texts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "Translation is unavailable; you are hearing the original speaker.",
        ["es"] = "La traducción no está disponible; está escuchando al orador original.",
        ["fr"] = "La traduction n'est pas disponible ; vous entendez l'intervenant d'origine.",
        ["ca"] = "La traducció no està disponible; esteu escoltant l'orador original.",
        ["de"] = "Die Übersetzung ist nicht verfügbar; Sie hören den ursprünglichen Sprecher.",
        ["it"] = "La traduzione non è disponibile; state ascoltando l'oratore originale.",
        ["pt"] = "A tradução não está disponível; está a ouvir o orador original.",
        ["nl"] = "De vertaling is niet beschikbaar; u hoort de oorspronkelijke spreker.",
    };

    // Each language's own name, spoken to a caller who picked it from the DTMF menu.
    private static readonly Dictionary<string, string> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "English.",
        ["es"] = "Español.",
        ["fr"] = "Français.",
        ["ca"] = "Català.",
        ["de"] = "Deutsch.",
        ["it"] = "Italiano.",
        ["pt"] = "Português.",
        ["nl"] = "Nederlands.",
    };

    // One line of the join menu per language, in that language; {0} is the digit after the star.
    private static readonly Dictionary<string, string> s_menuLines = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "For English, press star {0}.",
        ["es"] = "Para español, pulse asterisco {0}.",
        ["fr"] = "Pour le français, appuyez sur étoile {0}.",
        ["ca"] = "Per al català, premeu asterisc {0}.",
        ["de"] = "Für Deutsch, drücken Sie Stern {0}.",
        ["it"] = "Per l'italiano, premete asterisco {0}.",
        ["pt"] = "Para português, prima asterisco {0}.",
        ["nl"] = "Voor Nederlands, druk op sterretje {0}.",
    };

    // Between two lines of the menu.
    private const int MenuGapSamples = SampleRate * 3 / 10;

    private readonly ConcurrentDictionary<string, Lazy<Task<short[]>>> _audio = new(StringComparer.OrdinalIgnoreCase);
    private readonly ISpeechSynthesizer _synthesizer;

    /// <summary>Notices spoken by <paramref name="synthesizer"/>.</summary>
    /// <param name="synthesizer">The synthesiser (usually the one the pipelines use).</param>
    /// <param name="voice">The voice of the notices; null: the engine's default.</param>
    public TranslationNotices(ISpeechSynthesizer synthesizer, VoiceSettings? voice = null)
    {
        ArgumentNullException.ThrowIfNull(synthesizer);
        _synthesizer = synthesizer;
        Voice = voice ?? VoiceSettings.Default;
    }

    /// <summary>The voice of the notices.</summary>
    public VoiceSettings Voice { get; }

    /// <summary>Longest wait for one notice to be synthesised.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The notice's text for listeners of <paramref name="language"/>, and the language it is written in.</summary>
    public static (string Text, string Language) TextFor(string language)
    {
        var primary = LanguageTags.Primary(language);
        return s_texts.TryGetValue(primary, out var text) ? (text, primary) : (s_texts["en"], "en");
    }

    /// <summary>
    /// The notice for listeners of <paramref name="language"/> as 16 kHz mono PCM (synthesised on first use; a
    /// failed synthesis is retried on the next call).
    /// </summary>
    public Task<short[]> GetAudioAsync(string language, CancellationToken cancellationToken = default)
    {
        var (text, spoken) = TextFor(language);
        if (!_synthesizer.Capabilities.Supports(spoken))
        {
            (text, spoken) = TextFor("en");
        }
        return CachedAsync("unavailable:" + spoken, text, spoken, cancellationToken);
    }

    /// <summary>
    /// The name of <paramref name="language"/> spoken in that language ("Español."), confirming a DTMF language
    /// switch; null when there is no name for it or the synthesiser does not speak it.
    /// </summary>
    public async Task<short[]?> GetLanguageNameAudioAsync(string language, CancellationToken cancellationToken = default)
    {
        var primary = LanguageTags.Primary(language);
        if (!s_names.TryGetValue(primary, out var name) || !_synthesizer.Capabilities.Supports(primary))
        {
            return null;
        }
        return await CachedAsync("name:" + primary, name, primary, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The lines of the DTMF language menu a room offers (<c>*N</c> for its Nth language, <c>*6</c> excepted), each
    /// in its own language ("For English, press star 1." "Para español, pulse asterisco 2."), as text with the
    /// language it is spoken in. Languages without a line of their own, or that the synthesiser does not speak,
    /// are left out (they can still be picked).
    /// </summary>
    public IReadOnlyList<(string Text, string Language)> MenuLines(IReadOnlyList<string> roomLanguages)
    {
        ArgumentNullException.ThrowIfNull(roomLanguages);
        var lines = new List<(string, string)>();
        for (var i = 0; i < roomLanguages.Count && i < 9; i++)
        {
            var primary = LanguageTags.Primary(roomLanguages[i]);
            if (i == 5 || !s_menuLines.TryGetValue(primary, out var line) || !_synthesizer.Capabilities.Supports(primary))
            {
                continue; // "*6" is the bridge's mute key.
            }
            lines.Add((string.Format(System.Globalization.CultureInfo.InvariantCulture, line, i + 1), primary));
        }
        return lines;
    }

    /// <summary>
    /// The menu of <see cref="MenuLines"/> as 16 kHz mono PCM, lines 0.3 s apart (each line synthesised once and
    /// kept); null when no line can be spoken.
    /// </summary>
    public async Task<short[]?> GetMenuAudioAsync(IReadOnlyList<string> roomLanguages, CancellationToken cancellationToken = default)
    {
        var lines = MenuLines(roomLanguages);
        if (lines.Count == 0)
        {
            return null;
        }
        var audio = new List<short>();
        foreach (var (text, language) in lines)
        {
            if (audio.Count > 0)
            {
                audio.AddRange(new short[MenuGapSamples]);
            }
            audio.AddRange(await CachedAsync("menu:" + language + ":" + text, text, language, cancellationToken).ConfigureAwait(false));
        }
        return [.. audio];
    }

    private async Task<short[]> CachedAsync(string key, string text, string language, CancellationToken cancellationToken)
    {
        var entry = _audio.GetOrAdd(key, _ => new Lazy<Task<short[]>>(() => SynthesizeAsync(text, language)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _audio.TryRemove(new KeyValuePair<string, Lazy<Task<short[]>>>(key, entry));
            throw;
        }
    }

    private async Task<short[]> SynthesizeAsync(string text, string language)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var samples = new List<short>(SampleRate * 4);
        // Not billed: the notice reports the platform's failure, it is not the tenant's use of an engine.
        await foreach (var chunk in _synthesizer.SynthesizeAsync(text, language, Voice, SpeechContext.None, timeout.Token).ConfigureAwait(false))
        {
            samples.AddRange(chunk.SampleRate == SampleRate ? chunk.Samples : TranslatedAudioQueue.Resample(chunk.Samples, chunk.SampleRate, SampleRate));
        }
        if (samples.Count == 0)
        {
            throw new SpeechProviderException($"The synthesiser returned no audio for the '{language}' notice.");
        }
        return [.. samples];
    }
}
