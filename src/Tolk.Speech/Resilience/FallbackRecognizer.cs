namespace Tolk.Speech.Resilience;

/// <summary>Opens a stream on the first recogniser that supports the language and starts successfully.</summary>
public sealed class FallbackRecognizer : ISpeechRecognizer
{
    private readonly IReadOnlyList<ISpeechRecognizer> _recognizers;

    /// <summary>Creates the chain.</summary>
    public FallbackRecognizer(params ISpeechRecognizer[] recognizers)
    {
        ArgumentNullException.ThrowIfNull(recognizers);
        if (recognizers.Length == 0)
        {
            throw new ArgumentException("At least one recogniser is needed.", nameof(recognizers));
        }

        _recognizers = recognizers;
        Capabilities = new RecognizerCapabilities(
            recognizers.SelectMany(r => r.Capabilities.Languages).Distinct().ToList(),
            recognizers.All(r => r.Capabilities.Streaming),
            recognizers.All(r => r.Capabilities.InterimResults),
            recognizers.All(r => r.Capabilities.WordTimings),
            recognizers.SelectMany(r => r.Capabilities.SampleRates).Distinct().ToList(),
            recognizers.Any(r => r.Capabilities.CustomVocabulary));
    }

    /// <inheritdoc />
    public string Name => string.Join('|', _recognizers.Select(r => r.Name));

    /// <inheritdoc />
    public RecognizerCapabilities Capabilities { get; }

    /// <inheritdoc />
    public async ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Exception? last = null;
        foreach (var r in _recognizers.Where(r => r.Capabilities.Supports(options.Language)))
        {
            try
            {
                return await r.StartStreamAsync(options, context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }
        }

        throw last ?? new UnsupportedLanguageException($"No recogniser for '{options.Language}'.");
    }
}
