using System.Runtime.CompilerServices;
using Tolk.Speech.Resilience;

namespace Tolk.Speech.Tests;

public sealed class ResilientSynthesizerTests
{
    private static readonly SpeechContext s_context = new("tenant", "call", "alice");

    [Fact]
    public async Task A_hung_engine_is_cancelled_and_the_fallback_speaks()
    {
        var hung = new ScriptedSynthesizer("hung", hang: true);
        var fallback = new ScriptedSynthesizer("fallback");
        var resilient = new ResilientSynthesizer(hung, fallback, new SpeechResilienceOptions { Timeout = TimeSpan.FromMilliseconds(100), MaxRetries = 0 });

        var chunks = await Collect(resilient.SynthesizeAsync("hola", "es", VoiceSettings.Default, s_context));

        Assert.Equal(2, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(ScriptedSynthesizer.Marker("fallback"), c.Samples[0]));
        // The abandoned attempt was told to stop and was disposed once it had.
        await hung.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await hung.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_hung_engine_without_a_fallback_fails_as_a_timeout_after_its_retries()
    {
        var hung = new ScriptedSynthesizer("hung", hang: true);
        var resilient = new ResilientSynthesizer(hung, null, new SpeechResilienceOptions { Timeout = TimeSpan.FromMilliseconds(50), MaxRetries = 1 });

        var ex = await Assert.ThrowsAsync<SpeechProviderException>(() => Collect(resilient.SynthesizeAsync("hola", "es", VoiceSettings.Default, s_context)));

        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Equal(2, hung.Calls);
    }

    [Fact]
    public async Task A_failure_after_audio_went_out_is_surfaced_not_replayed()
    {
        var breaking = new ScriptedSynthesizer("breaking", failAfterFirst: true);
        var fallback = new ScriptedSynthesizer("fallback");
        var resilient = new ResilientSynthesizer(breaking, fallback, new SpeechResilienceOptions { Timeout = TimeSpan.FromSeconds(5), MaxRetries = 1 });

        var seen = new List<AudioChunk>();
        await Assert.ThrowsAsync<SpeechProviderException>(async () =>
        {
            await foreach (var c in resilient.SynthesizeAsync("hola", "es", VoiceSettings.Default, s_context))
            {
                seen.Add(c);
            }
        });

        Assert.Single(seen);
        Assert.Equal(1, breaking.Calls);
        Assert.Equal(0, fallback.Calls);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_taken_for_a_timeout()
    {
        var hung = new ScriptedSynthesizer("hung", hang: true);
        var fallback = new ScriptedSynthesizer("fallback");
        var resilient = new ResilientSynthesizer(hung, fallback, new SpeechResilienceOptions { Timeout = TimeSpan.FromSeconds(30), MaxRetries = 0 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Collect(resilient.SynthesizeAsync("hola", "es", VoiceSettings.Default, s_context, cts.Token)));

        Assert.Equal(0, fallback.Calls);
        await hung.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static async Task<List<AudioChunk>> Collect(IAsyncEnumerable<AudioChunk> chunks)
    {
        var list = new List<AudioChunk>();
        await foreach (var c in chunks)
        {
            list.Add(c);
        }

        return list;
    }

    /// <summary>
    /// A compiler-generated async iterator, like the real engines: its disposal throws while a move is pending,
    /// which is exactly what a decorator that gives up on a hung move must cope with.
    /// </summary>
    private sealed class ScriptedSynthesizer(string name, bool hang = false, bool failAfterFirst = false) : ISpeechSynthesizer
    {
        private int _calls;

        public static short Marker(string name) => (short)(name.Length * 100);

        public int Calls => Volatile.Read(ref _calls);

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public SynthesizerCapabilities Capabilities { get; } = new(["es"], [], true, false, 16000);

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            try
            {
                if (hang)
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    finally
                    {
                        Stopped.TrySetResult();
                    }
                }

                var samples = new short[320];
                samples[0] = Marker(name);
                yield return new AudioChunk(samples, 16000);
                if (failAfterFirst)
                {
                    throw new SpeechProviderException("broke mid-phrase");
                }

                yield return new AudioChunk(samples, 16000);
            }
            finally
            {
                Disposed.TrySetResult();
            }
        }
    }
}

public sealed class ResilientTranslatorTests
{
    private static readonly SpeechContext s_context = new("tenant", "call", "alice");

    [Fact]
    public async Task A_hung_attempt_is_cancelled_and_retried()
    {
        var inner = new ScriptedTranslator(hangFirst: 1);
        var resilient = new ResilientTranslator(inner, new SpeechResilienceOptions { Timeout = TimeSpan.FromMilliseconds(100), MaxRetries = 1, RetryDelay = TimeSpan.Zero });

        var result = await resilient.TranslateAsync("hello", "en", "es", s_context);

        Assert.Equal("[es] hello", result.Text);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(1, inner.Cancelled);
    }

    [Fact]
    public async Task Attempts_that_all_hang_end_in_a_timeout_that_names_the_pair()
    {
        var inner = new ScriptedTranslator(hangFirst: 10);
        var resilient = new ResilientTranslator(inner, new SpeechResilienceOptions { Timeout = TimeSpan.FromMilliseconds(50), MaxRetries = 1, RetryDelay = TimeSpan.Zero });

        var ex = await Assert.ThrowsAsync<SpeechProviderException>(async () => await resilient.TranslateAsync("hello", "en", "es", s_context));

        Assert.Contains("timed out translating en→es", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task An_unsupported_pair_is_not_retried()
    {
        var inner = new ScriptedTranslator(hangFirst: 0);
        var resilient = new ResilientTranslator(inner, new SpeechResilienceOptions { Timeout = TimeSpan.FromSeconds(5), MaxRetries = 3, RetryDelay = TimeSpan.Zero });

        await Assert.ThrowsAsync<UnsupportedLanguagePairException>(async () => await resilient.TranslateAsync("hello", "en", "xx", s_context));

        Assert.Equal(1, inner.Calls);
    }

    private sealed class ScriptedTranslator(int hangFirst) : ITranslator
    {
        private int _calls;
        private int _cancelled;

        public int Calls => Volatile.Read(ref _calls);

        public int Cancelled => Volatile.Read(ref _cancelled);

        public string Name => "scripted";

        public TranslatorCapabilities Capabilities { get; } = new([("en", "es")], false);

        public async ValueTask<TranslationResult> TranslateAsync(string text, string source, string target, SpeechContext context, CancellationToken cancellationToken = default)
        {
            if (target != "es")
            {
                Interlocked.Increment(ref _calls);
                throw new UnsupportedLanguagePairException(Name, source, target);
            }

            if (Interlocked.Increment(ref _calls) <= hangFirst)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref _cancelled);
                    throw;
                }
            }

            return new TranslationResult($"[{target}] {text}", source, target, Name);
        }
    }
}
