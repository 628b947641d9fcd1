using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Speech.Local.Vad;

namespace Tolk.Speech.Pipeline;

/// <summary>
/// One speaker's live translation: 20 ms frames of the speaker's own audio in; <see cref="TranslatedAudio"/>
/// per target language, <see cref="TranscriptEntry"/>, latency and availability events out. Knows nothing of
/// SIP, RTP or mixing: the caller routes the audio to the listeners of each target language.
/// </summary>
public sealed partial class TranslationPipeline : IAsyncDisposable
{
    private readonly TranslationEngines _engines;
    private readonly TranslationPipelineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<InputFrame> _input;
    private readonly Channel<PipelineEvent> _events = Channel.CreateUnbounded<PipelineEvent>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Channel<PhraseJob> _phrases = Channel.CreateUnbounded<PhraseJob>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly IVoiceActivityDetector _vad;
    private readonly Endpointer _endpointer;
    private readonly Queue<short[]> _preRoll = new();
    private readonly int _preRollFrames;
    private readonly List<string> _targets;
    private readonly Dictionary<string, TargetVoice> _targetVoices = new(StringComparer.OrdinalIgnoreCase);
    private readonly VoiceAdapter _voice = new();
    private Task _inputLoop = Task.CompletedTask;
    private Task _phraseLoop = Task.CompletedTask;
    private RecognitionSession? _recognition;
    private List<short>? _phraseAudio;
    private DateTimeOffset _phraseStart;
    private long _nextPhraseId;
    private long _framesDropped;
    private bool _disposed;

    private TranslationPipeline(TranslationEngines engines, TranslationPipelineOptions options, ILogger? logger, TimeProvider? timeProvider)
    {
        _engines = engines;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _vad = engines.VadFactory();
        _endpointer = new Endpointer(options.Endpointing);
        _preRollFrames = Math.Max(0, (int)(options.PreRoll.TotalMilliseconds / 20));
        _input = Channel.CreateBounded<InputFrame>(new BoundedChannelOptions(Math.Max(10, options.InputQueueFrames))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _targets = options.TargetLanguages
            .Where(t => !LanguageTags.SameLanguage(t, options.SourceLanguage))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        foreach (var (language, voice) in options.TargetVoices ?? new Dictionary<string, TargetVoice>())
        {
            _targetVoices[language] = voice;
        }
    }

    /// <summary>Null while the speaker is being translated; otherwise why not (no recogniser for the language, ...).</summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>True when the speaker's language has no recogniser configured (a capability gap, not a failure).</summary>
    public bool RecognitionNotConfigured { get; private set; }

    /// <summary>The target languages being produced.</summary>
    public IReadOnlyList<string> TargetLanguages => _targets;

    /// <summary>Frames dropped by <see cref="TryPushFrame"/> because the pipeline fell behind.</summary>
    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    /// <summary>Voice settings currently chosen for the speaker.</summary>
    public VoiceSettings CurrentVoice => VoiceFrom(_voice);

    private VoiceSettings VoiceFrom(VoiceAdapter adapter, string? target = null)
    {
        // The speaker's own profile wins; a room's house voice for the target stands in when they have none.
        var profile = _options.VoiceProfile ?? TargetVoiceOf(target)?.Profile;
        return _options.AdaptVoice || profile is not null
            ? adapter.Choose(_options.VoiceOverride, profile, _engines.Synthesizer.Capabilities)
            : _options.VoiceOverride ?? VoiceSettings.Default;
    }

    private TargetVoice? TargetVoiceOf(string? target) =>
        target is not null && _targetVoices.TryGetValue(target, out var voice) ? voice : null;

    // The language tag the synthesiser is asked for: the room's dialect for the target when the synthesiser lists that
    // exact tag (a dialect it lacks would fail every phrase, or be spoken by a fallback engine of another language),
    // else the target itself.
    private string SynthesisLanguageOf(string target) =>
        TargetVoiceOf(target)?.SynthesisLanguage is { Length: > 0 } tag
        && _engines.Synthesizer.Capabilities.Languages.Contains(tag, StringComparer.OrdinalIgnoreCase)
            ? tag
            : target;

    /// <summary>The speaker's measured median pitch (Hz; 0 until measured).</summary>
    public double SpeakerMedianPitchHz => _voice.MedianPitchHz;

    /// <summary>Creates and starts a pipeline. Never throws for an unsupported language: see <see cref="UnavailableReason"/>.</summary>
    public static async Task<TranslationPipeline> StartAsync(
        TranslationEngines engines,
        TranslationPipelineOptions options,
        ILogger<TranslationPipeline>? logger = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(options);
        var p = new TranslationPipeline(engines, options, logger, timeProvider);
        await p.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return p;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!_engines.Recognizer.Capabilities.Supports(_options.SourceLanguage))
        {
            SetUnavailable($"No speech recogniser is configured for '{_options.SourceLanguage}' ({_engines.Recognizer.Name} supports {string.Join(", ", _engines.Recognizer.Capabilities.Languages)}).", notConfigured: true);
            return;
        }

        try
        {
            _recognition = await RecognitionSession.StartAsync(this, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            SetUnavailable($"The speech recogniser for '{_options.SourceLanguage}' failed to start: {ex.Message}");
            return;
        }

        foreach (var t in _targets.ToList())
        {
            if (!_engines.Translator.Capabilities.Supports(_options.SourceLanguage, t))
            {
                Emit(new TranslationUnavailable(_time.GetUtcNow(), t, null, $"No translation route from '{_options.SourceLanguage}' to '{t}'."));
                _targets.Remove(t);
            }
            else if (!_engines.Synthesizer.Capabilities.Supports(t))
            {
                Emit(new TranslationUnavailable(_time.GetUtcNow(), t, null, $"No speech synthesiser for '{t}'."));
                _targets.Remove(t);
            }
        }

        _inputLoop = Task.Run(() => InputLoopAsync(_stopping.Token), CancellationToken.None);
        _phraseLoop = Task.Run(() => PhraseLoopAsync(_stopping.Token), CancellationToken.None);
    }

    private void SetUnavailable(string reason, bool notConfigured = false)
    {
        UnavailableReason = reason;
        RecognitionNotConfigured = notConfigured;
        Log.RecognitionUnavailable(_logger, _options.SourceLanguage, reason);
        Emit(new RecognitionUnavailable(_time.GetUtcNow(), _options.SourceLanguage, reason, notConfigured));
        _events.Writer.TryComplete();
    }

    /// <summary>Queues one frame of the speaker's audio (16 kHz, normally 320 samples), waiting if the queue is full.</summary>
    public async ValueTask PushFrameAsync(ReadOnlyMemory<short> frame, CancellationToken cancellationToken = default)
    {
        if (UnavailableReason is not null || _disposed)
        {
            return;
        }

        await _input.Writer.WriteAsync(new InputFrame(frame.ToArray(), _time.GetTimestamp()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues one frame without waiting (for a real-time tick); returns false and counts a drop when the pipeline is behind.</summary>
    public bool TryPushFrame(ReadOnlySpan<short> frame)
    {
        if (UnavailableReason is not null || _disposed)
        {
            return false;
        }

        if (_input.Writer.TryWrite(new InputFrame(frame.ToArray(), _time.GetTimestamp())))
        {
            return true;
        }

        Interlocked.Increment(ref _framesDropped);
        return false;
    }

    /// <summary>Ends input: a phrase in progress is closed and processed, then the event stream completes.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (UnavailableReason is not null)
        {
            return;
        }

        _input.Writer.TryComplete();
        await _inputLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _phraseLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pipeline's events, in production order.</summary>
    public IAsyncEnumerable<PipelineEvent> ReadEventsAsync(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    private void Emit(PipelineEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Stops everything; pending phrases are abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _input.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_inputLoop, _phraseLoop).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Loops observe cancellation; a hung engine is abandoned.
        }

        if (_recognition is not null)
        {
            await _recognition.DisposeAsync().ConfigureAwait(false);
        }

        // A VAD may hold native buffers (Silero); release them once the input loop no longer uses it (a loop stuck
        // in an engine leaves it to the finalizers).
        if (_inputLoop.IsCompleted && _vad is IDisposable vad)
        {
            vad.Dispose();
        }

        _events.Writer.TryComplete();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Speech in {Language} cannot be recognised: {Reason}")]
        public static partial void RecognitionUnavailable(ILogger logger, string language, string reason);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Translation into {Target} unavailable for phrase {PhraseId}: {Reason}")]
        public static partial void TranslationFailed(ILogger logger, string target, long phraseId, string reason);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Recognition failed for phrase {PhraseId}; restarting the recogniser: {Reason}")]
        public static partial void RecognitionFailed(ILogger logger, long phraseId, string reason);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Phrase {PhraseId} is not spoken: its translation would start {BehindMs:F0} ms after the speaker stopped (limit {LimitMs:F0} ms); the listeners hear the original")]
        public static partial void PhraseTooLate(ILogger logger, long phraseId, double behindMs, double limitMs);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Phrase {PhraseId} recognised: {Text}")]
        public static partial void PhraseRecognized(ILogger logger, long phraseId, string text);
    }
}
