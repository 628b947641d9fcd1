namespace Tolk.Media.Mixing;

/// <summary>
/// One 20 ms output mix (320 samples, 16 kHz mono). Owned and reused by the mixer.
/// </summary>
/// <remarks>
/// <para>
/// Shared mixes: every listener whose personal mix is identical in a tick (e.g. all non-speaking
/// listeners with the same gain row and the same extra sources) receives the <em>same instance</em>.
/// An encoder layer can therefore cache encoded bytes keyed by (instance or <see cref="GroupKey"/>,
/// <see cref="Tick"/>, codec) and encode once per codec. <see cref="ListenerCount"/> says how many
/// listeners receive this instance in this tick; when it is 1 no caching is worthwhile.
/// </para>
/// <para>
/// <see cref="GroupKey"/> is stable across ticks for as long as the composition stays the same:
/// 0 is the room's common mix (all active speakers + tones); a speaker's own mix-minus and each
/// distinct gain/extra-source combination get their own keys. Note that stateful codecs (Opus,
/// G.722) need one encoder state per group to share bytes across ticks; re-key encoders when a
/// listener's group key changes.
/// </para>
/// </remarks>
public sealed class MixedFrame
{
    private readonly short[] _samples = new short[MixerFormat.SamplesPerFrame];

    internal MixedFrame()
    {
    }

    /// <summary>The 320 PCM samples of this mix.</summary>
    public ReadOnlySpan<short> Samples => _samples;

    /// <summary>The same samples as memory (valid until the sink's <c>Write</c> returns).</summary>
    public ReadOnlyMemory<short> Memory => _samples;

    /// <summary>Clock tick number that produced this mix.</summary>
    public long Tick { get; internal set; }

    /// <summary>Identifies the mix composition (see remarks); equal keys in one tick mean the same instance.</summary>
    public long GroupKey { get; internal set; }

    /// <summary>How many listeners receive this instance in <see cref="Tick"/>.</summary>
    public int ListenerCount { get; internal set; }

    /// <summary>True when more than one listener receives this instance in this tick.</summary>
    public bool IsShared => ListenerCount > 1;

    /// <summary>True when the mix is digital silence (nobody was heard).</summary>
    public bool IsSilence { get; internal set; }

    internal short[] Buffer => _samples;
}
