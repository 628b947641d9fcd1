namespace Tolk.Speech;

/// <summary>A translation of one text.</summary>
/// <param name="Text">Translated text, engine marks removed.</param>
/// <param name="Source">Source language.</param>
/// <param name="Target">Target language.</param>
/// <param name="Provider">Engine (and pivot route) that produced it.</param>
public sealed record TranslationResult(string Text, string Source, string Target, string Provider);

/// <summary>A text translator.</summary>
public interface ITranslator
{
    /// <summary>Provider name used in usage records and logs.</summary>
    string Name { get; }

    /// <summary>Supported pairs.</summary>
    TranslatorCapabilities Capabilities { get; }

    /// <summary>Translates <paramref name="text"/>. Throws <see cref="UnsupportedLanguagePairException"/> for an unsupported pair.</summary>
    ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default);
}

/// <summary>Batch helpers over <see cref="ITranslator"/>.</summary>
public static class TranslatorExtensions
{
    /// <summary>Translates one text into several targets in parallel; a failed target is reported in its entry, not thrown.</summary>
    public static async Task<IReadOnlyDictionary<string, Result<TranslationResult>>> TranslateManyAsync(
        this ITranslator translator,
        string text,
        string source,
        IEnumerable<string> targets,
        SpeechContext context,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(translator);
        ArgumentNullException.ThrowIfNull(targets);
        var list = targets.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var tasks = list.Select(async t =>
        {
            try
            {
                return Result<TranslationResult>.Ok(await translator.TranslateAsync(text, source, t, context, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Result<TranslationResult>.Fail(ex);
            }
        }).ToList();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        var map = new Dictionary<string, Result<TranslationResult>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < list.Count; i++)
        {
            map[list[i]] = results[i];
        }

        return map;
    }
}

/// <summary>A value or the error that prevented it.</summary>
public readonly record struct Result<T>(T? Value, Exception? Error)
{
    /// <summary>True when <see cref="Value"/> is set.</summary>
    public bool Succeeded => Error is null;

    /// <summary>A success.</summary>
    public static Result<T> Ok(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static Result<T> Fail(Exception error) => new(default, error);
}
