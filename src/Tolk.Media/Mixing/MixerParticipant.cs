namespace Tolk.Media.Mixing;

/// <summary>
/// A participant of a <see cref="MixerRoom"/>: an input (pull source) that others hear, an output
/// (sink) that receives its personal mix-minus every tick, gains, mute and taps.
/// </summary>
/// <remarks>
/// Settings may be changed from any thread; the clock thread picks them up on the next tick.
/// A participant never hears its own input.
/// </remarks>
public sealed class MixerParticipant
{
    private static readonly Dictionary<MixerParticipant, float> NoGains = [];
    private static long _serialCounter;

    private readonly Lock _settingsGate = new();
    private volatile IAudioFrameSource? _input;
    private volatile IAudioFrameSink? _output;
    private volatile bool _muted;
    private volatile bool _left;
    private float _inputGain = 1f;
    private volatile Dictionary<MixerParticipant, float> _gainsFrom = NoGains;
    private volatile IAudioTap[] _taps = [];
    private volatile InputProcessingOptions? _inputProcessing;

    internal MixerParticipant(MixerRoom room, string id, IAudioFrameSource? input, IAudioFrameSink? output, TalkDetectorOptions talk)
    {
        Room = room;
        Id = id;
        _input = input;
        _output = output;
        Detector = new TalkDetector(talk);
        Serial = Interlocked.Increment(ref _serialCounter);
    }

    /// <summary>The identifier given by the caller (unique within the room).</summary>
    public string Id { get; }

    /// <summary>The room this participant belongs (or belonged) to.</summary>
    public MixerRoom Room { get; }

    /// <summary>Where this participant's audio comes from (e.g. its jitter buffer); null = listen-only.</summary>
    public IAudioFrameSource? Input
    {
        get => _input;
        set
        {
            _input = value;
            NotifyInputAvailable();
        }
    }

    /// <summary>Receives this participant's personal mix each tick; null = nobody listens (no mix computed).</summary>
    public IAudioFrameSink? Output
    {
        get => _output;
        set => _output = value;
    }

    /// <summary>When muted, nobody hears this participant and its taps receive nothing.</summary>
    public bool IsMuted
    {
        get => _muted;
        set => _muted = value;
    }

    /// <summary>Gain applied to this participant's input for every listener (0..8, 1 = unchanged).</summary>
    public float InputGain
    {
        get => Volatile.Read(ref _inputGain);
        set => Volatile.Write(ref _inputGain, MixerFormat.ValidateGain(value, nameof(value)));
    }

    /// <summary>
    /// Noise suppression / AGC of this participant's input by speexdsp (null = off, the default).
    /// Applied from the next tick; taps receive the processed audio.
    /// </summary>
    public InputProcessingOptions? InputProcessing
    {
        get => _inputProcessing;
        set => _inputProcessing = value;
    }

    /// <summary>True while the talk detector considers this participant speaking.</summary>
    public bool IsSpeaking { get; private set; }

    /// <summary>RMS level of the last input frame, dBFS (−96 when there was none).</summary>
    public float InputLevelDbfs { get; private set; } = -96f;

    /// <summary>True once the participant has left the room.</summary>
    public bool HasLeft => _left;

    /// <summary>
    /// Sets how loud this listener hears <paramref name="speaker"/> (0..8; 1 = default, 0 = not at all).
    /// Use it to duck a speaker's original under its translation (gain = original mix percent / 100).
    /// </summary>
    public void SetGainFrom(MixerParticipant speaker, float gain)
    {
        ArgumentNullException.ThrowIfNull(speaker);
        MixerFormat.ValidateGain(gain, nameof(gain));
        if (speaker.Room != Room)
        {
            throw new ArgumentException("The speaker is in another room.", nameof(speaker));
        }
        if (speaker.HasLeft)
        {
            return; // nothing to hear any more; racing a leave is not an error
        }
        lock (_settingsGate)
        {
            // Copy-on-write: the clock thread reads the dictionary without locks.
            var copy = new Dictionary<MixerParticipant, float>(_gainsFrom);
            if (gain == 1f)
            {
                copy.Remove(speaker);
            }
            else
            {
                copy[speaker] = gain;
            }
            _gainsFrom = copy.Count == 0 ? NoGains : copy;
        }
    }

    /// <summary>How loud this listener hears <paramref name="speaker"/> (1 unless set).</summary>
    public float GetGainFrom(MixerParticipant speaker) =>
        _gainsFrom.TryGetValue(speaker, out float g) ? g : 1f;

    /// <summary>Restores every per-speaker gain of this listener to 1.</summary>
    public void ResetGains()
    {
        lock (_settingsGate)
        {
            _gainsFrom = NoGains;
        }
    }

    /// <summary>Subscribes a tap to this participant's own input (before mixing); dispose to unsubscribe.</summary>
    public IDisposable AddTap(IAudioTap tap)
    {
        ArgumentNullException.ThrowIfNull(tap);
        lock (_settingsGate)
        {
            _taps = [.. _taps, tap];
        }
        return new TapSubscription(this, tap);
    }

    /// <summary>
    /// Tells the mixer that this participant's source has audio (call from the jitter buffer on packet
    /// arrival). Cheap and thread-safe; needed only to wake a dormant room.
    /// </summary>
    public void NotifyInputAvailable() => Room.Wake();

    /// <summary>Leaves the room (same as <see cref="MixerRoom.RemoveParticipant"/>).</summary>
    public bool Leave() => Room.RemoveParticipant(this);

    /// <inheritdoc />
    public override string ToString() => $"{Room.Id}/{Id}";

    // ---- clock-thread state (touched only by the room's tick) ----
    internal long Serial { get; }

    internal TalkDetector Detector { get; }

    internal short[] InputBuffer { get; } = new short[MixerFormat.SamplesPerFrame];

    internal int[] Contribution { get; } = new int[MixerFormat.SamplesPerFrame];

    internal MixedFrame OwnFrame { get; } = new();

    internal float LimiterGain = 1f;

    internal bool IsHeard;

    // Talker ranking when the room caps how many are summed: smoothed level, and this tick's score.
    internal float RankLevelDbfs = -100f;
    internal float RankScore;

    /// <summary>Stage 1 of the tick produced an input frame in <see cref="InputBuffer"/>.</summary>
    internal bool HasInput;

    /// <summary>Sum of squares of this tick's input frame (after input processing).</summary>
    internal long InputEnergy;

    internal MixedFrame? CurrentFrame;

    internal int GroupIndex;

    internal Dictionary<MixerParticipant, float> GainsFrom => _gainsFrom;

    internal IAudioTap[] Taps => _taps;

    internal SpeexInputProcessor? Processor;

    /// <summary>Options whose processor could not be created (not retried until the options change).</summary>
    internal InputProcessingOptions? FailedProcessing;

    internal void MarkLeft()
    {
        _left = true;
        // Safe while a tick is using it: the SafeHandle defers the native free until the call returns.
        Processor?.Dispose();
    }

    /// <summary>Applies <see cref="InputProcessing"/> changes; from the worker reading this participant only.</summary>
    internal void UpdateProcessor()
    {
        var wanted = _inputProcessing;
        if (ReferenceEquals(wanted, Processor?.Options) || (wanted is null && Processor is null))
        {
            return;
        }
        Processor?.Dispose();
        Processor = null;
        if (wanted is not null)
        {
            Processor = new SpeexInputProcessor(wanted);
        }
    }

    internal void ForgetSpeaker(MixerParticipant speaker)
    {
        if (_gainsFrom.ContainsKey(speaker))
        {
            lock (_settingsGate)
            {
                var copy = new Dictionary<MixerParticipant, float>(_gainsFrom);
                copy.Remove(speaker);
                _gainsFrom = copy.Count == 0 ? NoGains : copy;
            }
        }
    }

    internal void PublishLevels()
    {
        IsSpeaking = Detector.IsSpeaking;
        InputLevelDbfs = Detector.LevelDbfs;
    }

    private void RemoveTap(IAudioTap tap)
    {
        lock (_settingsGate)
        {
            int i = Array.IndexOf(_taps, tap);
            if (i >= 0)
            {
                var list = _taps.ToList();
                list.RemoveAt(i);
                _taps = [.. list];
            }
        }
    }

    private sealed class TapSubscription(MixerParticipant owner, IAudioTap tap) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.RemoveTap(tap);
            }
        }
    }
}
