using Tolk.Media.Codecs;

namespace Tolk.Media.Jitter;

/// <summary>
/// Recognises payloads that carry silence without decoding them, so a jitter buffer can skip the
/// decoder and resampler for a line that is quiet (most of a conference's lines, most of the time).
/// G.711: every code's level through a 256-entry table (below −60 dBFS counts as silence). Opus: a
/// packet of at most <see cref="OpusSilentBytes"/> bytes (DTX / empty frames of RFC 6716 §3.2.1, and
/// what a VBR encoder emits for digital silence). G.722 and others: never (no cheap level).
/// </summary>
internal static class SilentPayloads
{
    /// <summary>Opus packets up to this size carry no audible content (SILK codes digital silence in 8 bytes at 16 kHz).</summary>
    public const int OpusSilentBytes = 8;

    /// <summary>|sample| ≤ 32 of 32768 ≈ −60 dBFS.</summary>
    private const int MaxSilentMagnitude = 32;

    private static readonly bool[] UlawSilent = Table(G711.UlawToLinear);
    private static readonly bool[] AlawSilent = Table(G711.AlawToLinear);

    public enum Kind
    {
        None,
        Ulaw,
        Alaw,
        Opus,
    }

    public static Kind For(AudioCodecInfo info) => info.EncodingName.ToUpperInvariant() switch
    {
        "PCMU" => Kind.Ulaw,
        "PCMA" => Kind.Alaw,
        "OPUS" => Kind.Opus,
        _ => Kind.None,
    };

    public static bool IsSilent(Kind kind, ReadOnlySpan<byte> payload) => kind switch
    {
        Kind.Ulaw => AllSilent(UlawSilent, payload),
        Kind.Alaw => AllSilent(AlawSilent, payload),
        Kind.Opus => payload.Length <= OpusSilentBytes,
        _ => false,
    };

    private static bool AllSilent(bool[] table, ReadOnlySpan<byte> payload)
    {
        foreach (var code in payload)
        {
            if (!table[code])
            {
                return false;
            }
        }
        return true;
    }

    private static bool[] Table(Func<byte, short> decode)
    {
        var table = new bool[256];
        for (int code = 0; code < 256; code++)
        {
            table[code] = Math.Abs((int)decode((byte)code)) <= MaxSilentMagnitude;
        }
        return table;
    }
}
