using Tolk.Media.Mixing;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    /// <summary>One run of a speaker's pipeline (a new one starts when a new language joins the room).</summary>
    private sealed class Generation(long number)
    {
        public long Number { get; } = number;

        public CancellationTokenSource Stopping { get; } = new();

        public ISpeakerPipeline? Pipeline { get; set; }

        public TimeSpan PendingTrailingSilence { get; set; }

        public System.Collections.Concurrent.ConcurrentDictionary<long, DateTimeOffset> SpeechEnds { get; } = new();
    }

    /// <summary>A participant: listener of its language, speaker with its own pipeline (fed by this tap).</summary>
    private sealed class Member(RoomTranslation owner, MixerParticipant participant, string language, SpeechContext context, SpeakerVoiceProfile? voiceProfile, string? builtInVoice) : IAudioTap
    {
        private ITimer? _idleStop;

        private readonly HashSet<string> _unavailableTargets = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>True once talk detection has heard the participant.</summary>
        public volatile bool HasSpoken;
        private volatile Generation? _current;

        public MixerParticipant Participant { get; } = participant;

        public string Language { get; } = language;

        public SpeechContext Context { get; } = context;

        public SpeakerVoiceProfile? VoiceProfile { get; } = voiceProfile;

        /// <summary>The speaker's own built-in voice (a synthesiser language tag), or null.</summary>
        public string? BuiltInVoice { get; } = builtInVoice;

        /// <summary>The caller's codec is telephone band (G.711).</summary>
        public bool Narrowband { get; init; }

        /// <summary>True while the pipeline waits out its idle grace period.</summary>
        public bool IdleStopPending => Volatile.Read(ref _idleStop) is not null;

        public void ScheduleIdleStop(ITimer timer) => Interlocked.Exchange(ref _idleStop, timer)?.Dispose();

        public void CancelIdleStop() => Interlocked.Exchange(ref _idleStop, null)?.Dispose();

        /// <summary>Stops the pipeline while the participant stays (no listener of another language is left).</summary>
        public void StopPipeline()
        {
            CancelIdleStop();
            ClearStartup();
            Generation? g;
            lock (_unavailableTargets)
            {
                g = _current;
                _current = null;
                Targets = null;
                UnavailableReason = null;
                _unavailableTargets.Clear();
            }
            if (g is not null)
            {
                _ = StopGenerationAsync(g);
            }
        }

        public IDisposable? Tap { get; set; }

        public IReadOnlyList<string>? Targets { get; private set; }

        public volatile bool HasForeignListeners;

        public Generation? Current => _current;

        public ISpeakerPipeline? Pipeline => _current?.Pipeline;

        public string? UnavailableReason { get; private set; }

        public Generation BeginGeneration(IReadOnlyList<string> targets)
        {
            // Numbered room-wide, so that runs of the same participant under two languages never share queue keys.
            var g = new Generation(Interlocked.Increment(ref owner._generations));
            Generation? old;
            lock (_unavailableTargets)
            {
                old = _current;
                _current = g;
                Targets = targets;
                UnavailableReason = null;
                _unavailableTargets.Clear();
            }
            if (old is not null)
            {
                _ = StopGenerationAsync(old);
            }
            return g;
        }

        public bool Attach(Generation g, ISpeakerPipeline pipeline)
        {
            lock (_unavailableTargets)
            {
                if (_current != g || g.Stopping.IsCancellationRequested)
                {
                    return false;
                }
                g.Pipeline = pipeline;
            }
            lock (_startup)
            {
                FlushStartupLocked(pipeline);
            }
            return true;
        }

        /// <summary>
        /// Frames heard while the pipeline starts (loading a recogniser takes 0.4 s of CPU, seconds on a busy host):
        /// kept, up to <see cref="MaxStartupFrames"/>, and pushed once it is ready, so the first words of a speaker
        /// whose first foreign listener just joined are translated late rather than lost.
        /// </summary>
        private readonly Queue<short[]> _startup = new();

        private const int MaxStartupFrames = 250;

        private void FlushStartupLocked(ISpeakerPipeline pipeline)
        {
            while (_startup.TryDequeue(out var f))
            {
                pipeline.TryPushFrame(f);
            }
        }

        private void ClearStartup()
        {
            lock (_startup)
            {
                _startup.Clear();
            }
        }

        /// <summary>Marks the current generation unavailable; false when it is not current or already was for this reason.</summary>
        public bool SetUnavailable(Generation g, string reason)
        {
            lock (_unavailableTargets)
            {
                if (_current != g || UnavailableReason == reason)
                {
                    return false;
                }
                UnavailableReason = reason;
                return true;
            }
        }

        /// <summary>Marks a target (un)available; true when that changed it.</summary>
        public bool SetTargetAvailable(Generation g, string target, bool available)
        {
            lock (_unavailableTargets)
            {
                if (_current != g)
                {
                    return false;
                }
                return available ? _unavailableTargets.Remove(target) : _unavailableTargets.Add(target);
            }
        }

        /// <summary>True when the listeners of <paramref name="target"/> get this speaker translated (so its original is ducked for them).</summary>
        public bool TranslatesTo(string target)
        {
            lock (_unavailableTargets)
            {
                return _current?.Pipeline is not null
                    && UnavailableReason is null
                    && !_unavailableTargets.Contains(target)
                    && (Targets?.Contains(target, StringComparer.OrdinalIgnoreCase) ?? false);
            }
        }

        private long _framesSeen;
        private ITimer? _silenceTimer;

        public long FramesSeen => Interlocked.Read(ref _framesSeen);

        public void ReplaceSilenceTimer(ITimer timer) => Interlocked.Exchange(ref _silenceTimer, timer)?.Dispose();

        public void OnFrame(MixerParticipant participant, ReadOnlySpan<short> frame, long tick)
        {
            Interlocked.Increment(ref _framesSeen);
            // Only speech someone else needs translated is worth recognising.
            if (!HasForeignListeners || _current is not { } g)
            {
                return;
            }
            if (g.Pipeline is { } p && _startup.Count == 0)
            {
                p.TryPushFrame(frame);
                return;
            }
            lock (_startup)
            {
                if (g.Pipeline is { } ready)
                {
                    // Attached meanwhile: what was kept goes first, in order.
                    FlushStartupLocked(ready);
                    ready.TryPushFrame(frame);
                    return;
                }
                if (_startup.Count == MaxStartupFrames)
                {
                    _startup.Dequeue();
                }
                _startup.Enqueue(frame.ToArray());
            }
        }

        public async Task StopAsync()
        {
            Interlocked.Exchange(ref _silenceTimer, null)?.Dispose();
            CancelIdleStop();
            ClearStartup();
            Generation? g;
            lock (_unavailableTargets)
            {
                g = _current;
                _current = null;
            }
            if (g is not null)
            {
                await StopGenerationAsync(g).ConfigureAwait(false);
            }
        }

        private static async Task StopGenerationAsync(Generation g)
        {
            await g.Stopping.CancelAsync().ConfigureAwait(false);
            if (g.Pipeline is { } p)
            {
                try
                {
                    await p.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A failing engine must not break leaving the room.
                }
            }
        }

        public override string ToString() => owner.Room.Extension + "/" + Participant.Id;
    }
}
