using System.Runtime.CompilerServices;

namespace Tolk.Speech.Resilience;

/// <summary>
/// Timeout to the first chunk (and between chunks), retries while nothing has been yielded yet, and an optional
/// fallback synthesiser (used when the primary fails before its first chunk or does not speak the language).
/// Once audio has gone out, a failure is surfaced: replaying the start would be worse than stopping.
/// </summary>
public sealed class ResilientSynthesizer : ISpeechSynthesizer
{
    private readonly ISpeechSynthesizer _primary;
    private readonly ISpeechSynthesizer? _fallback;
    private readonly SpeechResilienceOptions _options;

    /// <summary>Wraps <paramref name="primary"/>, falling back to <paramref name="fallback"/>.</summary>
    public ResilientSynthesizer(ISpeechSynthesizer primary, ISpeechSynthesizer? fallback = null, SpeechResilienceOptions? options = null)
    {
        _primary = primary ?? throw new ArgumentNullException(nameof(primary));
        _fallback = fallback;
        _options = options ?? new SpeechResilienceOptions();
        var p = primary.Capabilities;
        var f = fallback?.Capabilities;
        Capabilities = f is null ? p : new SynthesizerCapabilities(
            p.Languages.Union(f.Languages).ToList(),
            p.Voices.Concat(f.Voices).ToList(),
            p.Streaming,
            p.Ssml,
            p.OutputSampleRate);
    }

    /// <inheritdoc />
    public string Name => _fallback is null ? _primary.Name : $"{_primary.Name}|{_fallback.Name}";

    /// <inheritdoc />
    public SynthesizerCapabilities Capabilities { get; }

    /// <inheritdoc />
    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var engines = new List<ISpeechSynthesizer>();
        if (_primary.Capabilities.Supports(language))
        {
            for (var i = 0; i <= _options.MaxRetries; i++)
            {
                engines.Add(_primary);
            }
        }

        if (_fallback is not null && _fallback.Capabilities.Supports(language))
        {
            engines.Add(_fallback);
        }

        if (engines.Count == 0)
        {
            throw new UnsupportedLanguageException($"{Name} cannot speak '{language}'.");
        }

        Exception? last = null;
        foreach (var engine in engines)
        {
            var yielded = false;
            await using var e = engine.SynthesizeAsync(text, language, engine == _primary ? voice : voice with { VoiceId = null }, context, cancellationToken)
                .GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                AudioChunk? chunk;
                try
                {
                    if (!await MoveNextWithTimeoutAsync(e, _options.Timeout, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    chunk = e.Current;
                }
                catch (Exception ex) when (!yielded && !cancellationToken.IsCancellationRequested && ResilientTranslator.IsTransient(ex))
                {
                    last = ex;
                    break;
                }

                yielded = true;
                yield return chunk;
            }

            if (yielded || last is null)
            {
                yield break;
            }
        }

        throw new SpeechProviderException($"{Name} failed to synthesise.", last!);
    }

    private static async Task<bool> MoveNextWithTimeoutAsync(IAsyncEnumerator<AudioChunk> e, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var move = e.MoveNextAsync().AsTask();
        var done = await Task.WhenAny(move, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (done != move)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The engine is hung; its enumerator is abandoned (disposal may block, so it is not awaited here).
            _ = move.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            throw new TimeoutException($"Synthesiser produced nothing for {timeout.TotalMilliseconds:F0} ms.");
        }

        return await move.ConfigureAwait(false);
    }
}
