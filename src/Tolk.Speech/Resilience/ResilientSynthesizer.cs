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
            await using var attempt = new TimedAttempt(engine.SynthesizeAsync, text, language, engine == _primary ? voice : voice with { VoiceId = null }, context, cancellationToken);
            while (true)
            {
                AudioChunk? chunk;
                try
                {
                    if (!await attempt.MoveNextAsync(_options.Timeout).ConfigureAwait(false))
                    {
                        break;
                    }

                    chunk = attempt.Current;
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

    /// <summary>
    /// One engine's attempt, each step bounded by a timeout. A step that times out leaves the engine's enumerator
    /// mid-move: its token is cancelled (an engine that listens stops, a worker process is killed), and disposal,
    /// which an async iterator refuses while a move is pending, waits for that move in the background instead.
    /// </summary>
    private sealed class TimedAttempt : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private readonly CancellationToken _caller;
        private readonly IAsyncEnumerator<AudioChunk> _inner;
        private Task<bool>? _abandoned;

        public TimedAttempt(Func<string, string, VoiceSettings, SpeechContext, CancellationToken, IAsyncEnumerable<AudioChunk>> synthesize, string text, string language, VoiceSettings voice, SpeechContext context, CancellationToken cancellationToken)
        {
            _caller = cancellationToken;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _inner = synthesize(text, language, voice, context, _cancel.Token).GetAsyncEnumerator(_cancel.Token);
        }

        public AudioChunk Current => _inner.Current;

        public async Task<bool> MoveNextAsync(TimeSpan timeout)
        {
            var move = _inner.MoveNextAsync().AsTask();
            var done = await Task.WhenAny(move, Task.Delay(timeout, _caller)).ConfigureAwait(false);
            if (done == move)
            {
                return await move.ConfigureAwait(false);
            }

            _abandoned = move;
            await _cancel.CancelAsync().ConfigureAwait(false);
            _caller.ThrowIfCancellationRequested();
            throw new TimeoutException($"Synthesiser produced nothing for {timeout.TotalMilliseconds:F0} ms.");
        }

        public async ValueTask DisposeAsync()
        {
            if (_abandoned is { IsCompleted: false } pending)
            {
                _ = DisposeAfterAsync(pending);
                return;
            }

            try
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _cancel.Dispose();
            }
        }

        private async Task DisposeAfterAsync(Task<bool> pending)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The attempt was already given up for a timeout; how the engine ended no longer matters.
            }

            try
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // As above: a late failure of an abandoned engine has no one left to report to.
            }
            finally
            {
                _cancel.Dispose();
            }
        }
    }
}
