using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Tolk.Speech.Resilience;

/// <summary>Adds a per-attempt timeout and retries around a translator (Polly).</summary>
public sealed class ResilientTranslator : ITranslator
{
    private readonly ITranslator _inner;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public ResilientTranslator(ITranslator inner, SpeechResilienceOptions? options = null, TimeProvider? timeProvider = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        var o = options ?? new SpeechResilienceOptions();
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System };
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                Delay = o.RetryDelay,
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            });
        }

        builder.AddTimeout(o.Timeout);
        _pipeline = builder.Build();
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public TranslatorCapabilities Capabilities => _inner.Capabilities;

    /// <inheritdoc />
    public async ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                async ct => await _inner.TranslateAsync(text, source, target, context, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SpeechProviderException($"{Name} timed out translating {source}→{target}.", ex);
        }
    }

    internal static bool IsTransient(Exception ex) =>
        ex is not (UnsupportedLanguagePairException or UnsupportedLanguageException or ArgumentException or OperationCanceledException);
}

/// <summary>Tries translators in order; the first that supports the pair and succeeds wins.</summary>
public sealed class FallbackTranslator : ITranslator
{
    private readonly IReadOnlyList<ITranslator> _translators;

    /// <summary>Creates the chain (at least one translator).</summary>
    public FallbackTranslator(params ITranslator[] translators)
    {
        ArgumentNullException.ThrowIfNull(translators);
        if (translators.Length == 0)
        {
            throw new ArgumentException("At least one translator is needed.", nameof(translators));
        }

        _translators = translators;
        Capabilities = new TranslatorCapabilities(translators.SelectMany(t => t.Capabilities.Pairs).Distinct().ToList(), translators.Any(t => t.Capabilities.Pivoting));
    }

    /// <inheritdoc />
    public string Name => string.Join('|', _translators.Select(t => t.Name));

    /// <inheritdoc />
    public TranslatorCapabilities Capabilities { get; }

    /// <inheritdoc />
    public async ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
    {
        Exception? last = null;
        foreach (var t in _translators.Where(t => t.Capabilities.Supports(source, target) || LanguageTags.SameLanguage(source, target)))
        {
            try
            {
                return await t.TranslateAsync(text, source, target, context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }
        }

        throw last ?? new UnsupportedLanguagePairException(Name, source, target);
    }
}
