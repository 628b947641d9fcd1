namespace Tolk.Speech.Local.Vad;

/// <summary>Settings of <see cref="Endpointer"/>. Durations are counted in 20 ms frames.</summary>
public sealed class EndpointerOptions
{
    /// <summary>Speech probability above which a frame counts as speech.</summary>
    public float SpeechThreshold { get; set; } = 0.5f;

    /// <summary>Speech needed to open a phrase (filters clicks).</summary>
    public TimeSpan MinSpeech { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Silence that closes a phrase: the main latency/robustness trade-off.</summary>
    public TimeSpan EndSilence { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// Silence after which the phrase is provisionally closed: recognition, translation and synthesis start then,
    /// and their audio is held until <see cref="EndSilence"/> confirms the end (or dropped if speech resumes first).
    /// At or above <see cref="EndSilence"/> there is no provisional close.
    /// </summary>
    public TimeSpan TentativeSilence { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>After this much speech, a shorter pause already closes the phrase (chunking long speech).</summary>
    public TimeSpan SoftMaxPhrase { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The shorter pause used after <see cref="SoftMaxPhrase"/>.</summary>
    public TimeSpan ChunkSilence { get; set; } = TimeSpan.FromMilliseconds(160);

    /// <summary>A phrase is cut here even without a pause.</summary>
    public TimeSpan HardMaxPhrase { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// The defaults for a detector. Silero keeps reporting speech 60–100 ms after the last sound, so it gets 80 ms
    /// shorter silences (320 / 120 ms): on 32 flite clips, 12 of them with comma pauses, its phrases then end 424 ms
    /// after the last loud frame against 417 ms for the spectral VAD at 400 / 200 (504 ms with Silero at 400 / 200),
    /// with no extra phrase split; 3 provisional ends were resumed (0 at 400 / 200), each wasting one speculative
    /// translation and first synthesis chunk.
    /// </summary>
    public static EndpointerOptions For(VadEngine engine) => engine == VadEngine.Silero
        ? new EndpointerOptions { EndSilence = TimeSpan.FromMilliseconds(320), TentativeSilence = TimeSpan.FromMilliseconds(120) }
        : new EndpointerOptions();
}

/// <summary>What an <see cref="Endpointer"/> decided for a frame.</summary>
public enum EndpointEvent
{
    /// <summary>Nothing changed.</summary>
    None,
    /// <summary>A phrase began (it began <see cref="Endpointer.MinSpeech"/> frames ago).</summary>
    PhraseStarted,
    /// <summary>The phrase ended after enough silence.</summary>
    PhraseEnded,
    /// <summary>The phrase was cut (long speech); a new one continues at once if speech goes on.</summary>
    PhraseChunked,
    /// <summary>The pause reached <see cref="EndpointerOptions.TentativeSilence"/>: the phrase has probably ended.</summary>
    PhraseTentativelyEnded,
    /// <summary>Speech came back after <see cref="PhraseTentativelyEnded"/>, before the end was confirmed: the phrase goes on.</summary>
    PhraseResumed,
}

/// <summary>Turns per-frame speech probabilities into phrase start/end decisions. Not thread-safe.</summary>
public sealed class Endpointer
{
    private const double FrameMs = 20;
    private readonly EndpointerOptions _options;
    private int _speechRun;
    private int _silenceRun;
    private int _phraseFrames;
    private bool _tentative;

    /// <summary>Creates an endpointer.</summary>
    public Endpointer(EndpointerOptions? options = null)
    {
        _options = options ?? new EndpointerOptions();
    }

    /// <summary>Frames of speech needed to open a phrase.</summary>
    public int MinSpeech => Math.Max(1, (int)(_options.MinSpeech.TotalMilliseconds / FrameMs));

    /// <summary>True while inside a phrase.</summary>
    public bool InPhrase { get; private set; }

    /// <summary>Frames in the current phrase so far.</summary>
    public int PhraseFrames => _phraseFrames;

    /// <summary>Trailing silence frames in the current phrase.</summary>
    public int TrailingSilenceFrames => _silenceRun;

    /// <summary>True between <see cref="EndpointEvent.PhraseTentativelyEnded"/> and the confirmation or resumption.</summary>
    public bool Tentative => _tentative;

    /// <summary>Feeds one frame's speech probability.</summary>
    public EndpointEvent Process(float probability)
    {
        var speech = probability >= _options.SpeechThreshold;
        if (!InPhrase)
        {
            _speechRun = speech ? _speechRun + 1 : 0;
            if (_speechRun >= MinSpeech)
            {
                InPhrase = true;
                _phraseFrames = _speechRun;
                _silenceRun = 0;
                _speechRun = 0;
                return EndpointEvent.PhraseStarted;
            }

            return EndpointEvent.None;
        }

        _phraseFrames++;
        _silenceRun = speech ? 0 : _silenceRun + 1;
        var silenceMs = _silenceRun * FrameMs;
        var phraseMs = _phraseFrames * FrameMs;
        if (silenceMs >= _options.EndSilence.TotalMilliseconds)
        {
            InPhrase = false;
            _tentative = false;
            return EndpointEvent.PhraseEnded;
        }

        if (_tentative)
        {
            // Chunking waits: the phrase is either confirmed within EndSilence or resumes.
            if (speech)
            {
                _tentative = false;
                return EndpointEvent.PhraseResumed;
            }

            return EndpointEvent.None;
        }

        if (!speech && _options.TentativeSilence < _options.EndSilence && silenceMs >= _options.TentativeSilence.TotalMilliseconds
            && phraseMs < _options.SoftMaxPhrase.TotalMilliseconds)
        {
            _tentative = true;
            return EndpointEvent.PhraseTentativelyEnded;
        }

        if ((phraseMs >= _options.SoftMaxPhrase.TotalMilliseconds && silenceMs >= _options.ChunkSilence.TotalMilliseconds)
            || phraseMs >= _options.HardMaxPhrase.TotalMilliseconds)
        {
            // Stay "in phrase" only if still speaking: a chunk cut mid-speech continues as the next phrase.
            InPhrase = speech;
            _phraseFrames = 0;
            _silenceRun = 0;
            return EndpointEvent.PhraseChunked;
        }

        return EndpointEvent.None;
    }

    /// <summary>Forgets all state.</summary>
    public void Reset()
    {
        InPhrase = false;
        _tentative = false;
        _speechRun = _silenceRun = _phraseFrames = 0;
    }
}
