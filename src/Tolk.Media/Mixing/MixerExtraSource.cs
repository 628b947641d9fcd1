namespace Tolk.Media.Mixing;

/// <summary>
/// An extra source heard only by a chosen audience with a gain (e.g. a TTS translation for the
/// listeners of one language). Created by <see cref="MixerRoom.AddSource"/>.
/// </summary>
public sealed class MixerExtraSource
{
    private static readonly Dictionary<MixerParticipant, float> NoOverrides = [];
    private static long _serialCounter;

    private readonly Lock _gate = new();
    private volatile Dictionary<MixerParticipant, float> _gainOverrides = NoOverrides;

    private volatile HashSet<MixerParticipant> _audience;
    private float _gain;
    private volatile bool _removed;

    internal MixerExtraSource(MixerRoom room, string name, IAudioFrameSource source, HashSet<MixerParticipant> audience, float gain)
    {
        Room = room;
        Name = name;
        Source = source;
        _audience = audience;
        _gain = gain;
        Serial = Interlocked.Increment(ref _serialCounter);
    }

    /// <summary>The owning room.</summary>
    public MixerRoom Room { get; }

    /// <summary>A label for logs.</summary>
    public string Name { get; }

    /// <summary>The pull source read every tick.</summary>
    public IAudioFrameSource Source { get; }

    /// <summary>Gain applied for every audience member (0..8).</summary>
    public float Gain
    {
        get => Volatile.Read(ref _gain);
        set => Volatile.Write(ref _gain, MixerFormat.ValidateGain(value, nameof(value)));
    }

    /// <summary>
    /// Sets the gain for one audience member (e.g. a listener's preferred translation volume);
    /// <see langword="null"/> returns it to <see cref="Gain"/>.
    /// </summary>
    public void SetGainFor(MixerParticipant listener, float? gain)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (gain is float g)
        {
            MixerFormat.ValidateGain(g, nameof(gain));
        }
        lock (_gate)
        {
            var copy = new Dictionary<MixerParticipant, float>(_gainOverrides);
            if (gain is float value)
            {
                copy[listener] = value;
            }
            else
            {
                copy.Remove(listener);
            }
            _gainOverrides = copy.Count == 0 ? NoOverrides : copy;
        }
    }

    /// <summary>The gain <paramref name="listener"/> hears this source with (if in the audience).</summary>
    public float GetGainFor(MixerParticipant listener) =>
        _gainOverrides.TryGetValue(listener, out float g) ? g : Gain;

    /// <summary>True once removed from the room.</summary>
    public bool IsRemoved => _removed;

    /// <summary>The listeners who hear this source (a snapshot).</summary>
    public IReadOnlyCollection<MixerParticipant> Audience => [.. _audience];

    /// <summary>Replaces the audience (participants of the same room).</summary>
    public void SetAudience(IEnumerable<MixerParticipant> audience) => _audience = Room.ValidateAudience(audience);

    /// <summary>True when <paramref name="listener"/> hears this source.</summary>
    public bool IsHeardBy(MixerParticipant listener) => _audience.Contains(listener);

    /// <summary>Wakes a dormant room when this source has audio.</summary>
    public void NotifyInputAvailable() => Room.Wake();

    /// <summary>Removes the source from its room.</summary>
    public bool Remove() => Room.RemoveSource(this);

    // ---- clock-thread state ----
    internal long Serial { get; }

    internal short[] Buffer { get; } = new short[MixerFormat.SamplesPerFrame];

    internal int[] Contribution { get; } = new int[MixerFormat.SamplesPerFrame];

    internal HashSet<MixerParticipant> AudienceSet => _audience;

    internal Dictionary<MixerParticipant, float> GainOverrides => _gainOverrides;

    // Per-tick snapshot (clock thread): the contribution holds the samples times ContributionGain.
    internal float TickGain;

    internal float ContributionGain = 1f;

    internal Dictionary<MixerParticipant, float> TickOverrides = NoOverrides;

    internal float TickGainFor(MixerParticipant listener) =>
        TickOverrides.Count != 0 && TickOverrides.TryGetValue(listener, out float g) ? g : TickGain;

    internal void MarkRemoved() => _removed = true;
}
