using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Tolk.Media.Codecs;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Media;

/// <summary>
/// Listeners whose personal mixes are identical (everyone not currently speaking) receive one shared
/// <see cref="MixedFrame"/> instance per tick. Their encoded payloads can then be identical too, as long
/// as they come from one encoder whose state follows that shared mix: this keeps one encoder per
/// (frame instance, codec configuration), encodes each tick's shared frame once, and hands the bytes to
/// every listener of the group, who sends them under its own SSRC, sequence numbers and timestamps.
/// </summary>
/// <remarks>
/// <para>
/// What a phone's decoder sees when its listener moves between its personal encoder (while it talks,
/// or while its mix is unique) and the group's encoder: the payloads switch from one encoder's stream
/// to another's at a frame boundary, with the RTP stream itself (SSRC, sequence, timestamp) continuous.
/// For G.711 that is seamless. Opus and G.722 decoders predict from the previous frame, so the first
/// frame after a switch can carry a short artefact (as after a lost packet that the decoder conceals);
/// both encoders code the same configuration (rate, bandwidth, FEC), so nothing else changes for the
/// decoder. The listener's own encoder is not fed while it is parked in a group; it resumes from stale
/// state, which is the same single-frame transition.
/// </para>
/// <para>
/// Called from the mixer's delivery stage, on several worker threads at once: a group's first
/// listener in a tick encodes under the frame's lock and the others copy the bytes. Encoders unused for
/// <see cref="IdleTicks"/> ticks (a room that closed, a group that dissolved) are disposed under the
/// same lock, so native codec state is never freed while an encode is inside it.
/// </para>
/// </remarks>
internal sealed class SharedEncoders : IDisposable
{
    /// <summary>Ticks (20 ms) after which an unused shared encoder is released: 5 s.</summary>
    public const long IdleTicks = 250;

    private readonly ConditionalWeakTable<MixedFrame, FrameEncoders> _byFrame = new();
    private readonly ConcurrentDictionary<Entry, FrameEncoders> _live = new();
    private readonly CodecRegistry _codecs;

    /// <summary>Where the shared encoders come from (their settings may differ from the calls' own).</summary>
    internal CodecRegistry Codecs => _codecs;
    private readonly int _resamplerQuality;
    private long _lastSweep;

    public SharedEncoders(CodecRegistry codecs, int resamplerQuality = 3)
    {
        _codecs = codecs;
        _resamplerQuality = resamplerQuality;
    }

    /// <summary>Encoders currently kept (for tests and diagnostics).</summary>
    public int Count => _live.Count;

    /// <summary>
    /// The payload of <paramref name="frame"/> in the given codec, encoded once per tick by the group's
    /// shared encoder and copied into <paramref name="destination"/>. Returns the length, or -1 when the
    /// codec cannot be created or the payload does not fit.
    /// </summary>
    public int Encode(MixedFrame frame, string codec, int clockRate, Span<byte> destination)
    {
        SweepIfDue(frame.Tick);
        var encoders = _byFrame.GetOrCreateValue(frame);
        lock (encoders.Gate)
        {
            var entry = encoders.Find(codec, clockRate);
            if (entry is null)
            {
                if (!_codecs.TryCreateEncoder(codec, clockRate, out var encoder) || encoder is null)
                {
                    return -1;
                }
                entry = new Entry(codec, clockRate, new AudioFrameEncoder(encoder, initialTimestamp: 0, _resamplerQuality));
                encoders.Add(entry);
                _live[entry] = encoders;
            }
            entry.LastUsed = frame.Tick;
            if (entry.Tick != frame.Tick || entry.Length < 0)
            {
                entry.Tick = frame.Tick;
                entry.Length = entry.Encoder.Encode(frame.Samples, entry.Bytes, out _);
            }
            if (entry.Length < 0 || entry.Length > destination.Length)
            {
                return -1;
            }
            entry.Bytes.AsSpan(0, entry.Length).CopyTo(destination);
            return entry.Length;
        }
    }

    private void SweepIfDue(long tick)
    {
        long last = Volatile.Read(ref _lastSweep);
        if (tick - last < IdleTicks || Interlocked.CompareExchange(ref _lastSweep, tick, last) != last)
        {
            return;
        }
        Sweep(tick);
    }

    /// <summary>Releases encoders not used since <paramref name="tick"/> − <see cref="IdleTicks"/>.</summary>
    internal void Sweep(long tick)
    {
        foreach (var (entry, owner) in _live)
        {
            if (tick - Volatile.Read(ref entry.LastUsed) <= IdleTicks)
            {
                continue;
            }
            lock (owner.Gate)
            {
                if (tick - entry.LastUsed <= IdleTicks)
                {
                    continue; // used again meanwhile
                }
                owner.Remove(entry);
                entry.Encoder.Dispose();
            }
            _live.TryRemove(entry, out _);
        }
    }

    public void Dispose() => Sweep(long.MaxValue);

    private sealed class FrameEncoders
    {
        public readonly Lock Gate = new();
        private Entry[] _entries = [];

        public Entry? Find(string codec, int clockRate)
        {
            foreach (var e in _entries)
            {
                if (e.ClockRate == clockRate && string.Equals(e.Codec, codec, StringComparison.OrdinalIgnoreCase))
                {
                    return e;
                }
            }
            return null;
        }

        public void Add(Entry entry) => _entries = [.. _entries, entry];

        public void Remove(Entry entry) => _entries = [.. _entries.Where(e => e != entry)];
    }

    private sealed class Entry(string codec, int clockRate, AudioFrameEncoder encoder)
    {
        public readonly string Codec = codec;
        public readonly int ClockRate = clockRate;
        public readonly AudioFrameEncoder Encoder = encoder;
        public readonly byte[] Bytes = new byte[1500];
        public long Tick = -1;
        public int Length = -1;
        public long LastUsed;
    }
}
