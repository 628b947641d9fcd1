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
