using System.Runtime.CompilerServices;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Media;

/// <summary>
/// Listeners who are not speaking hear the same mix (the mixer hands them one frame instance per
/// tick). For a stateless codec (G.711) the encoded bytes are then identical too: encode once, send
/// many. Entries die with their frames (weak keys), so rooms that close leave nothing behind.
/// Used only on the mixer clock thread.
/// </summary>
internal sealed class SharedEncodeCache
{
    private readonly ConditionalWeakTable<MixedFrame, Dictionary<string, Entry>> _entries = new();

    public bool TryGet(MixedFrame frame, string codec, out ReadOnlySpan<byte> payload)
    {
        if (_entries.TryGetValue(frame, out var byCodec) && byCodec.TryGetValue(codec, out var e) && e.Tick == frame.Tick)
        {
            payload = e.Bytes.AsSpan(0, e.Length);
            return true;
        }
        payload = default;
        return false;
    }

    public void Put(MixedFrame frame, string codec, ReadOnlySpan<byte> payload)
    {
        var byCodec = _entries.GetOrCreateValue(frame);
        if (!byCodec.TryGetValue(codec, out var e))
        {
            e = new Entry { Bytes = new byte[Math.Max(512, payload.Length)] };
            byCodec[codec] = e;
        }
        if (e.Bytes.Length < payload.Length)
        {
            e.Bytes = new byte[payload.Length];
        }
        payload.CopyTo(e.Bytes);
        e.Length = payload.Length;
        e.Tick = frame.Tick;
    }

    private sealed class Entry
    {
        public required byte[] Bytes;
        public int Length;
        public long Tick;
    }
}
