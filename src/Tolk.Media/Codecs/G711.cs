namespace Tolk.Media.Codecs;

/// <summary>
/// ITU-T G.711 µ-law and A-law companding, bit-exact with the ITU-T G.191 reference (g711.c):
/// 16-bit linear input, negative values folded with one's complement, 16-bit linear output.
/// Table-driven so encoding costs one lookup per sample.
/// </summary>
public static class G711
{
    private static readonly byte[] UlawEncodeTable = BuildUlawEncode();
    private static readonly byte[] AlawEncodeTable = BuildAlawEncode();
    private static readonly short[] UlawDecodeTable = BuildDecode(UlawExpandReference);
    private static readonly short[] AlawDecodeTable = BuildDecode(AlawExpandReference);

    /// <summary>Encodes one sample to µ-law.</summary>
    public static byte LinearToUlaw(short sample) => UlawEncodeTable[(ushort)sample >> 2];

    /// <summary>Encodes one sample to A-law.</summary>
    public static byte LinearToAlaw(short sample) => AlawEncodeTable[(ushort)sample >> 3];

    /// <summary>Decodes one µ-law code.</summary>
    public static short UlawToLinear(byte code) => UlawDecodeTable[code];

    /// <summary>Decodes one A-law code.</summary>
    public static short AlawToLinear(byte code) => AlawDecodeTable[code];

    /// <summary>Encodes a block to µ-law; <paramref name="destination"/> must be at least as long as <paramref name="pcm"/>.</summary>
    public static void EncodeUlaw(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        var table = UlawEncodeTable;
        for (var i = 0; i < pcm.Length; i++)
        {
            destination[i] = table[(ushort)pcm[i] >> 2];
        }
    }

    /// <summary>Encodes a block to A-law.</summary>
    public static void EncodeAlaw(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        var table = AlawEncodeTable;
        for (var i = 0; i < pcm.Length; i++)
        {
            destination[i] = table[(ushort)pcm[i] >> 3];
        }
    }

    /// <summary>Decodes a block of µ-law codes.</summary>
    public static void DecodeUlaw(ReadOnlySpan<byte> codes, Span<short> pcm)
    {
        var table = UlawDecodeTable;
        for (var i = 0; i < codes.Length; i++)
        {
            pcm[i] = table[codes[i]];
        }
    }

    /// <summary>Decodes a block of A-law codes.</summary>
    public static void DecodeAlaw(ReadOnlySpan<byte> codes, Span<short> pcm)
    {
        var table = AlawDecodeTable;
        for (var i = 0; i < codes.Length; i++)
        {
            pcm[i] = table[codes[i]];
        }
    }

    // µ-law uses the top 14 bits of the sample: index the table by them (sign included).
    private static byte[] BuildUlawEncode()
    {
        var table = new byte[1 << 14];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = UlawCompressReference((short)(i << 2));
        }

        return table;
    }

    // A-law uses the top 13 bits.
    private static byte[] BuildAlawEncode()
    {
        var table = new byte[1 << 13];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = AlawCompressReference((short)(i << 3));
        }

        return table;
    }

    private static short[] BuildDecode(Func<byte, short> expand)
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = expand((byte)i);
        }

        return table;
    }

    // G.191 ulaw_compress: 14-bit magnitude with a bias of 33, segment from the position of the top bit.
    private static byte UlawCompressReference(short x)
    {
        var absno = x < 0 ? ((~x) >> 2) + 33 : (x >> 2) + 33;
        if (absno > 0x1FFF)
        {
            absno = 0x1FFF;
        }

        var i = absno >> 6;
        var segno = 1;
        while (i != 0)
        {
            segno++;
            i >>= 1;
        }

        var highNibble = 0x8 - segno;
        var lowNibble = 0xF - ((absno >> segno) & 0xF);
        var code = (highNibble << 4) | lowNibble;
        if (x >= 0)
        {
            code |= 0x80;
        }

        return (byte)code;
    }

    private static short UlawExpandReference(byte code)
    {
        var sign = code < 0x80 ? -1 : 1;
        var mantissa = ~code;
        var exponent = (mantissa >> 4) & 0x7;
        var segment = exponent + 1;
        mantissa &= 0xF;
        var step = 4 << segment;
        return (short)(sign * ((0x80 << exponent) + (step * mantissa) + (step / 2) - (4 * 33)));
    }

    // G.191 alaw_compress: 12-bit magnitude, segment 0 and 1 share a step, even bits inverted (XOR 0x55).
    private static byte AlawCompressReference(short x)
    {
        var ix = x < 0 ? (~x) >> 4 : x >> 4;
        if (ix > 15)
        {
            var iexp = 1;
            while (ix > 16 + 15)
            {
                ix >>= 1;
                iexp++;
            }

            ix -= 16;
            ix += iexp << 4;
        }

        if (x >= 0)
        {
            ix |= 0x80;
        }

        return (byte)(ix ^ 0x55);
    }

    private static short AlawExpandReference(byte code)
    {
        var ix = (code ^ 0x55) & 0x7F;
        var iexp = ix >> 4;
        var mant = ix & 0xF;
        if (iexp > 0)
        {
            mant += 16;
        }

        mant = (mant << 4) + 0x8;
        if (iexp > 1)
        {
            mant <<= iexp - 1;
        }

        return (short)(code > 127 ? mant : -mant);
    }
}
