using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tolk.Media.Mixing;

/// <summary>
/// A conference room's mixer: personal mix-minus for every participant, extra sources for chosen
/// audiences, taps, talk detection, join/leave cues. Driven by a <see cref="MixerClock"/> (one clock
/// for all rooms; a room has no thread of its own).
/// </summary>
/// <remarks>
/// Membership changes take a lock and publish a new immutable snapshot; the tick reads the snapshot
/// without locking. A participant removed during a tick may still receive that tick's frame.
/// </remarks>
public sealed partial class MixerRoom
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private volatile MixerParticipant[] _participants = [];
    private volatile MixerExtraSource[] _sources = [];
    private int _wakeRequested = 1;
    private int _pendingJoinTones;
    private int _pendingLeaveTones;
    private long _ticksProcessed;
    private long _ticksIdle;
    private long _callbackErrors;

    /// <summary>Creates a room (attach it to a <see cref="MixerClock"/> to run it).</summary>
    public MixerRoom(string id, MixerRoomOptions? options = null, ILogger<MixerRoom>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Options = options ?? new MixerRoomOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.IdleAfterTicks, 1, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The room identifier.</summary>
    public string Id { get; }

    /// <summary>The settings the room was created with.</summary>
    public MixerRoomOptions Options { get; }

    /// <summary>The clock driving this room, if attached.</summary>
    public MixerClock? Clock { get; internal set; }

    /// <summary>Current participants (a snapshot).</summary>
    public IReadOnlyList<MixerParticipant> Participants => Array.AsReadOnly(_participants);

    /// <summary>Current extra sources (a snapshot).</summary>
    public IReadOnlyList<MixerExtraSource> Sources => Array.AsReadOnly(_sources);

    /// <summary>True while the room is dormant (skipped by the clock at the cost of a flag check).</summary>
    public bool IsIdle => !_awake && Volatile.Read(ref _wakeRequested) == 0;

    /// <summary>Ticks in which the room mixed.</summary>
    public long TicksProcessed => Interlocked.Read(ref _ticksProcessed);

    /// <summary>Ticks skipped because the room was idle.</summary>
    public long TicksIdle => Interlocked.Read(ref _ticksIdle);

    /// <summary>Exceptions thrown by sources, sinks, taps or event handlers (caught and counted).</summary>
    public long CallbackErrors => Interlocked.Read(ref _callbackErrors);

    /// <summary>Raised on the clock thread when a participant starts talking.</summary>
    public event EventHandler<SpeakingChangedEventArgs>? SpeakingStarted;

    /// <summary>Raised on the clock thread when a participant stops talking (after the hangover).</summary>
    public event EventHandler<SpeakingChangedEventArgs>? SpeakingStopped;

    /// <summary>
    /// Adds a participant. <paramref name="input"/> is pulled every tick (null = listen-only);
    /// <paramref name="output"/> receives the personal mix (null = nothing is computed for it).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another participant of the room has the same id.</exception>
    public MixerParticipant AddParticipant(string id, IAudioFrameSource? input, IAudioFrameSink? output)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var participant = new MixerParticipant(this, id, input, output, Options.TalkDetection);
        lock (_gate)
        {
            foreach (var p in _participants)
            {
                if (p.Id == id)
                {
                    throw new InvalidOperationException($"Participant '{id}' is already in room '{Id}'.");
                }
            }
            _participants = [.. _participants, participant];
        }
        if (Options.JoinLeaveTones)
        {
            Interlocked.Exchange(ref _pendingJoinTones, 1);
        }
        Wake();
        MixerLog.ParticipantJoined(_logger, Id, id);
        return participant;
    }

    /// <summary>Removes a participant; returns false when it was not in the room.</summary>
    public bool RemoveParticipant(MixerParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        MixerParticipant[] remaining;
        lock (_gate)
        {
            int index = Array.IndexOf(_participants, participant);
            if (index < 0)
            {
                return false;
            }
            participant.MarkLeft();
            var list = new MixerParticipant[_participants.Length - 1];
            Array.Copy(_participants, 0, list, 0, index);
            Array.Copy(_participants, index + 1, list, index, list.Length - index);
            _participants = list;
            remaining = list;
        }
        foreach (var p in remaining)
        {
            p.ForgetSpeaker(participant);
        }
        if (Options.JoinLeaveTones)
        {
            Interlocked.Exchange(ref _pendingLeaveTones, 1);
        }
        Wake();
        MixerLog.ParticipantLeft(_logger, Id, participant.Id);
        return true;
    }

    /// <summary>Finds a participant by id.</summary>
    public MixerParticipant? FindParticipant(string id)
    {
        foreach (var p in _participants)
        {
            if (p.Id == id)
            {
                return p;
            }
        }
        return null;
    }

    /// <summary>
    /// Adds a source heard only by <paramref name="audience"/> (participants of this room) at
    /// <paramref name="gain"/> — e.g. a translation for the listeners of one language.
    /// </summary>
    public MixerExtraSource AddSource(IAudioFrameSource source, IEnumerable<MixerParticipant> audience, float gain = 1f, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        MixerFormat.ValidateGain(gain, nameof(gain));
        var extra = new MixerExtraSource(this, name ?? "source", source, ValidateAudience(audience), gain);
        lock (_gate)
        {
            _sources = [.. _sources, extra];
        }
        Wake();
        return extra;
    }

    /// <summary>Removes an extra source; returns false when it was not in the room.</summary>
    public bool RemoveSource(MixerExtraSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            int index = Array.IndexOf(_sources, source);
            if (index < 0)
            {
                return false;
            }
            source.MarkRemoved();
            _sources = [.. _sources.Where(s => s != source)];
        }
        return true;
    }

    /// <summary>
    /// Convenience for ducking: sets how loud <paramref name="listener"/> hears <paramref name="speaker"/>
    /// (see <see cref="MixerParticipant.SetGainFrom"/>).
    /// </summary>
    public void SetListenGain(MixerParticipant listener, MixerParticipant speaker, float gain)
    {
        ArgumentNullException.ThrowIfNull(listener);
        listener.SetGainFrom(speaker, gain);
    }

    /// <summary>Wakes a dormant room on the next tick (thread-safe, allocation-free).</summary>
    public void Wake() => Volatile.Write(ref _wakeRequested, 1);

    internal HashSet<MixerParticipant> ValidateAudience(IEnumerable<MixerParticipant> audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var set = new HashSet<MixerParticipant>(ReferenceEqualityComparer.Instance);
        foreach (var p in audience)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(audience));
            if (p.Room != this)
            {
                throw new ArgumentException($"Participant '{p.Id}' is not in room '{Id}'.", nameof(audience));
            }
            set.Add(p);
        }
        return set;
    }
}
