using Tolk.Media.Rtp.Native;

namespace Tolk.Media.Mixing;

// The per-tick hot path: read inputs, detect talk, sum active talkers into one int32 total, then
// build each listener's mix from that total (mix-minus) and deliver. No allocation, no locks.
public sealed partial class MixerRoom
{
    private const int N = MixerFormat.SamplesPerFrame;

    private readonly int[] _total = new int[N];
    private readonly MixedFrame _commonFrame = new();
    private readonly List<MixerParticipant> _started = [];
    private readonly List<MixerParticipant> _stopped = [];
    private MixerParticipant[] _heard = new MixerParticipant[8];
    private MixerParticipant[] _candidates = new MixerParticipant[8];
    private int _candidateCount;
    private int _heardCount;
    private MixerExtraSource[] _activeSources = new MixerExtraSource[4];
    private int _activeSourceCount;
    private float _commonLimiterGain = 1f;
    private volatile bool _awake = true;
    private int _quietTicks;
    private int _ticking;
    private short[]? _tone;
    private int _tonePosition;

    private MixerParticipant[] _tickParticipants = [];
    private bool _tickWakeRequested;

    /// <summary>
    /// Runs one 20 ms tick on the calling thread. Called by the owning <see cref="MixerClock"/> when
    /// it does not fan the tick out to its workers; never concurrently for the same room (a re-entrant
    /// call returns false without mixing).
    /// </summary>
    internal bool Tick(long tick)
    {
        if (!BeginTick())
        {
            return false;
        }
        try
        {
            ReadRange(0, _tickParticipants.Length);
            MixStage(tick);
            DeliverRange(0, _tickParticipants.Length);
        }
        finally
        {
            EndTick(tick);
        }
        return true;
    }

    /// <summary>
    /// Stage 0 (clock thread): decides whether the room mixes in this tick and takes the membership
    /// snapshot every later stage of the tick uses. False when the room is dormant or already ticking;
    /// when true, <see cref="EndTick"/> must follow.
    /// </summary>
    internal bool BeginTick()
    {
        if (!_awake && Volatile.Read(ref _wakeRequested) == 0)
        {
            // Dormant: one flag check per tick.
            _ticksIdle++;
            return false;
        }
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return false;
        }
        // Consume the wake-up atomically: one arriving later in this tick stays set for the next.
        _tickWakeRequested = Interlocked.Exchange(ref _wakeRequested, 0) != 0;
        if (!_awake)
        {
            _awake = true;
            _quietTicks = 0;
        }
        _tickParticipants = _participants;
        return true;
    }

    /// <summary>Participants in this tick's snapshot (valid between <see cref="BeginTick"/> and <see cref="EndTick"/>).</summary>
    internal int TickParticipantCount => _tickParticipants.Length;

    /// <summary>
    /// Stage 1 (any worker, disjoint ranges in parallel): pull each participant's input frame (the
    /// decode), run its input processing and measure its energy. Touches only the participants' own state.
    /// </summary>
    internal void ReadRange(int start, int end)
    {
        var participants = _tickParticipants;
        QueueReceives(participants, start, end);
        for (int i = start; i < end; i++)
        {
            var p = participants[i];
            p.HasInput = false;
            p.InputEnergy = 0;
            if (p.HasLeft)
            {
                continue;
            }
            var input = p.Input;
            bool has = false;
            if (input is not null)
            {
                try
                {
                    has = input.TryRead(p.InputBuffer);
                }
                catch (Exception ex)
                {
                    CallbackFailed(ex, p.Id, "source");
                }
            }
            if (!has)
            {
                continue;
            }
            p.HasInput = true;
            if (!p.IsMuted)
            {
                Preprocess(p);
            }
            p.InputEnergy = PcmKernels.SumOfSquares(p.InputBuffer);
        }
    }

    /// <summary>
    /// Stage 2 (one worker per room): talk detection, taps, the talkers' total, extra sources, cues
    /// and every personal mix.
    /// </summary>
    internal void MixStage(long tick)
    {
        var participants = _tickParticipants;
        bool anyAudio = ReadInputs(participants, tick, out bool anySpeaking);
        anyAudio |= ReadSources();
        anyAudio |= MixTones();
        _quietTicks = anyAudio || anySpeaking || _tickWakeRequested ? 0 : _quietTicks + 1;
        BuildMixes(participants, tick);
    }

    /// <summary>Stage 3 (any worker, disjoint ranges in parallel): hand each listener its mix (the encode and send).</summary>
    internal void DeliverRange(int start, int end)
    {
        var participants = _tickParticipants;
        using var sends = SocketRing.DeferSends(); // one system call for the range's sends (or the stage's, see MixerClock.Drain)
        for (int i = start; i < end; i++)
        {
            Deliver(participants[i]);
        }
    }

    /// <summary>
    /// Receives for every RTP-fed participant of the range in one io_uring submit, so that the polls in
    /// <see cref="IAudioFrameSource.TryRead"/> find their datagrams taken already. Without a ring each poll
    /// makes its own system call as before.
    /// </summary>
    private void QueueReceives(MixerParticipant[] participants, int start, int end)
    {
        var ring = SocketRing.ForCurrentThread();
        if (ring is null)
        {
            return;
        }
        var queued = false;
        try
        {
            for (int i = start; i < end; i++)
            {
                var p = participants[i];
                if (!p.HasLeft && p.Input is IRtpFedSource { ReceiveSession: { } session })
                {
                    queued |= session.QueueReceive(ring);
                }
            }
        }
        finally
        {
            if (queued)
            {
                ring.Submit(); // also releases the sessions' poll locks QueueReceive took
            }
        }
    }

    /// <summary>Stage 4 (clock thread): speaking events, dormancy, and release of the tick.</summary>
    internal void EndTick(long tick)
    {
        try
        {
            RaiseSpeakingEvents(tick);
            _ticksProcessed++;
            if (_quietTicks >= Options.IdleAfterTicks)
            {
                // Nothing produced audio for a while: sleep until a source calls Wake().
                _awake = false;
                MixerLog.RoomIdle(_logger, Id, tick);
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private bool ReadInputs(MixerParticipant[] participants, long tick, out bool anySpeaking)
    {
        Array.Clear(_total);
        _heardCount = 0;
        anySpeaking = false;
        bool anyAudio = false;
        bool gate = Options.GateOnTalkDetection;
        int cap = Options.MaxMixedTalkers;
        foreach (var p in participants)
        {
            bool wasHeard = p.IsHeard;
            p.IsHeard = false;
            p.CurrentFrame = null;
            if (p.HasLeft)
            {
                continue;
            }
            bool has = p.HasInput;
            bool muted = p.IsMuted;
            // A muted participant stops talking at once: it cannot hold the floor or be summed.
            bool changed = muted
                ? p.Detector.ForceSilent()
                : p.Detector.Update(has ? p.InputEnergy : 0, N, has);
            if (changed)
            {
                (p.Detector.IsSpeaking ? _started : _stopped).Add(p);
            }
            p.PublishLevels();
            anySpeaking |= p.Detector.IsSpeaking;
            if (!has)
            {
                continue;
            }
            anyAudio = true;
            if (muted)
            {
                continue;
            }
            var taps = p.Taps;
            for (int t = 0; t < taps.Length; t++)
            {
                try
                {
                    taps[t].OnFrame(p, p.InputBuffer, tick);
                }
                catch (Exception ex)
                {
                    CallbackFailed(ex, p.Id, "tap");
                }
            }
            float gain = p.InputGain;
            if (gain == 0f || (gate && !p.Detector.IsSpeaking))
            {
                continue;
            }
            if (cap > 0)
            {
                Rank(p, wasHeard);
                continue;
            }
            Hear(p);
        }
        if (cap > 0)
        {
            HearLoudest(cap);
        }
        return anyAudio;
    }

    private void Hear(MixerParticipant p)
    {
        float gain = p.InputGain;
        if (gain == 1f)
        {
            PcmKernels.WidenAndAccumulate(p.Contribution, _total, p.InputBuffer);
        }
        else
        {
            PcmKernels.WidenScaled(p.Contribution, p.InputBuffer, gain);
            PcmKernels.Add(_total, p.Contribution);
        }
        p.IsHeard = true;
        if (_heardCount == _heard.Length)
        {
            Array.Resize(ref _heard, _heard.Length * 2);
        }
        _heard[_heardCount++] = p;
    }

    // A candidate talker under MaxMixedTalkers: its level smoothed over ≈ 100 ms (so equal voices do not swap
    // every tick), plus the stickiness bonus if it was heard last tick.
    private void Rank(MixerParticipant p, bool wasHeard)
    {
        p.RankLevelDbfs += 0.2f * (p.Detector.LevelDbfs - p.RankLevelDbfs);
        p.RankScore = p.RankLevelDbfs + (wasHeard ? Options.TalkerStickinessDb : 0f);
        if (_candidateCount == _candidates.Length)
        {
            Array.Resize(ref _candidates, _candidates.Length * 2);
        }
        _candidates[_candidateCount++] = p;
    }

    private void HearLoudest(int cap)
    {
        if (_candidateCount > cap)
        {
            Array.Sort(_candidates, 0, _candidateCount, LouderFirst.Instance);
        }
        for (int i = 0; i < Math.Min(cap, _candidateCount); i++)
        {
            Hear(_candidates[i]);
        }
        Array.Clear(_candidates, 0, _candidateCount);
        _candidateCount = 0;
    }

    private sealed class LouderFirst : IComparer<MixerParticipant>
    {
        public static readonly LouderFirst Instance = new();

        public int Compare(MixerParticipant? x, MixerParticipant? y) => y!.RankScore.CompareTo(x!.RankScore);
    }

    private void Preprocess(MixerParticipant p)
    {
        var wanted = p.InputProcessing;
        if ((wanted is null && p.Processor is null) || (wanted is not null && ReferenceEquals(wanted, p.FailedProcessing)))
        {
            return;
        }
        try
        {
            p.UpdateProcessor();
            p.Processor?.Process(p.InputBuffer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException or ObjectDisposedException)
        {
            // Missing libspeexdsp or a failed init: mix the raw input rather than nothing.
            p.FailedProcessing = wanted;
            p.Processor = null;
            CallbackFailed(ex, p.Id, "input processing");
        }
    }

    private bool ReadSources()
    {
        _activeSourceCount = 0;
        bool anyAudio = false;
        foreach (var s in _sources)
        {
            if (s.IsRemoved)
            {
                continue;
            }
            bool has = false;
            try
            {
                has = s.Source.TryRead(s.Buffer);
            }
            catch (Exception ex)
            {
                CallbackFailed(ex, s.Name, "extra source");
            }
            if (!has)
            {
                continue;
            }
            anyAudio = true;
            float gain = s.Gain;
            var overrides = s.GainOverrides;
            if (s.AudienceSet.Count == 0 || (gain == 0f && overrides.Count == 0))
            {
                continue;
            }
            s.TickGain = gain;
            s.TickOverrides = overrides;
            // Pre-scale by the common gain so the usual listener just adds; overrides rescale.
            s.ContributionGain = gain == 0f ? 1f : gain;
            if (s.ContributionGain == 1f)
            {
                PcmKernels.Widen(s.Contribution, s.Buffer);
            }
            else
            {
                PcmKernels.WidenScaled(s.Contribution, s.Buffer, s.ContributionGain);
            }
            if (_activeSourceCount == _activeSources.Length)
            {
                Array.Resize(ref _activeSources, _activeSources.Length * 2);
            }
            _activeSources[_activeSourceCount++] = s;
        }
        return anyAudio;
    }

    private bool MixTones()
    {
        if (_tone is null)
        {
            if (Interlocked.Exchange(ref _pendingJoinTones, 0) != 0)
            {
                _tone = RoomTones.Join;
            }
            else if (Interlocked.Exchange(ref _pendingLeaveTones, 0) != 0)
            {
                _tone = RoomTones.Leave;
            }
            _tonePosition = 0;
        }
        if (_tone is null)
        {
            return false;
        }
        // Cues go into the common total, so every listener (speakers too) hears them.
        int count = Math.Min(N, _tone.Length - _tonePosition);
        PcmKernels.AddWiden(_total.AsSpan(0, count), _tone.AsSpan(_tonePosition, count));
        _tonePosition += count;
        if (_tonePosition >= _tone.Length)
        {
            _tone = null;
        }
        return true;
    }

    private void Deliver(MixerParticipant p)
    {
        var frame = p.CurrentFrame;
        if (frame is null)
        {
            return;
        }
        p.CurrentFrame = null;
        // Each listener continues from its group's limiter state, so moving between groups is smooth.
        p.LimiterGain = ReferenceEquals(frame, _commonFrame) ? _commonLimiterGain : _groups[p.GroupIndex].LimiterGain;
        var output = p.Output;
        if (output is null || p.HasLeft)
        {
            return;
        }
        try
        {
            output.Write(frame);
        }
        catch (Exception ex)
        {
            CallbackFailed(ex, p.Id, "sink");
        }
    }

    private void RaiseSpeakingEvents(long tick)
    {
        if (_started.Count == 0 && _stopped.Count == 0)
        {
            return;
        }
        RaiseAll(_stopped, SpeakingStopped, false, tick);
        RaiseAll(_started, SpeakingStarted, true, tick);
    }

    private void RaiseAll(List<MixerParticipant> list, EventHandler<SpeakingChangedEventArgs>? handler, bool speaking, long tick)
    {
        foreach (var p in list)
        {
            MixerLog.SpeakingChanged(_logger, Id, p.Id, speaking);
            if (handler is null)
            {
                continue;
            }
            try
            {
                handler(this, new SpeakingChangedEventArgs(p, speaking, tick));
            }
            catch (Exception ex)
            {
                CallbackFailed(ex, p.Id, "speaking handler");
            }
        }
        list.Clear();
    }

    private void CallbackFailed(Exception ex, string who, string what)
    {
        // Stages 1 and 3 run on several workers at once.
        long n = Interlocked.Increment(ref _callbackErrors);
        // Log the 1st, 2nd, 4th, 8th… failure: a sink that throws every tick must not flood the log.
        if ((n & (n - 1)) == 0)
        {
            MixerLog.CallbackFailed(_logger, ex, Id, who, what, n);
        }
    }
}
