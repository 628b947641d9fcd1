using Tolk.Media.Codecs;

namespace Tolk.Media.Tests.Codecs;

/// <summary>
/// G.711 checked against a reference built here from the segment tables of ITU-T G.711 (Tables 1 and 2),
/// scaled to 16-bit input as ITU-T G.191 does (µ-law: 14 significant bits, A-law: 13; negatives folded
/// by one's complement).
/// </summary>
public class G711Tests
{
    // G.711 Table 2 (µ-law), 14-bit magnitudes: each segment's first decision value and step.
    // Segment 0 starts with the single "zero" interval [0,1), then 15 intervals of 2 up to 31.
    private static readonly int[] UlawSegmentStart = [1, 31, 95, 223, 479, 991, 2015, 4063];
    private static readonly int[] UlawSegmentStep = [2, 4, 8, 16, 32, 64, 128, 256];

    // G.711 Table 1 (A-law) with its 0..4096 scale multiplied by 8 to 16-bit magnitudes:
    // segments 0 and 1 share the finest step (2 in the table, 16 here).
    private static readonly int[] AlawSegmentStart = [0, 256, 512, 1024, 2048, 4096, 8192, 16384];
    private static readonly int[] AlawSegmentStep = [16, 16, 32, 64, 128, 256, 512, 1024];

    /// <summary>Magnitude index 0..127 of a 14-bit µ-law magnitude, by walking the table.</summary>
    private static int UlawIndex(int t)
    {
        if (t < 1)
        {
            return 0;
        }

        if (t < UlawSegmentStart[1])
        {
            return 1 + ((t - 1) / 2);
        }

        for (var s = 7; s >= 1; s--)
        {
            if (t >= UlawSegmentStart[s])
            {
                return Math.Min(127, (16 * s) + ((t - UlawSegmentStart[s]) / UlawSegmentStep[s]));
            }
        }

        throw new InvalidOperationException();
    }

    private static byte ReferenceUlaw(short x)
    {
        var magnitude = x >= 0 ? x >> 2 : (-x - 1) >> 2;
        var k = UlawIndex(magnitude);
        // µ-law transmits the inverted index, sign bit 1 for positive values.
        return (byte)(x >= 0 ? 0xFF - k : 0x7F - k);
    }

    private static short ReferenceUlawDecode(byte code)
    {
        var positive = code >= 0x80;
        var k = (positive ? 0xFF : 0x7F) - code;
        int value;
        if (k == 0)
        {
            value = 0;
        }
        else if (k < 16)
        {
            value = 1 + (2 * (k - 1)) + 1; // midpoint of [1 + 2(k-1), 1 + 2k)
        }
        else
        {
            var s = k / 16;
            var q = k % 16;
            value = UlawSegmentStart[s] + (q * UlawSegmentStep[s]) + (UlawSegmentStep[s] / 2);
        }

        value *= 4;
        return (short)(positive ? value : -value);
    }

    private static byte ReferenceAlaw(short x)
    {
        var magnitude = x >= 0 ? x : -x - 1;
        var s = 7;
        while (magnitude < AlawSegmentStart[s])
        {
            s--;
        }

        var k = (16 * s) + ((magnitude - AlawSegmentStart[s]) / AlawSegmentStep[s]);
        // A-law: sign bit 1 for positive, then even bits inverted for transmission.
        return (byte)((k | (x >= 0 ? 0x80 : 0)) ^ 0x55);
    }

    private static short ReferenceAlawDecode(byte code)
    {
        var k = (code ^ 0x55) & 0x7F;
        var s = k / 16;
        var q = k % 16;
        var value = AlawSegmentStart[s] + (q * AlawSegmentStep[s]) + (AlawSegmentStep[s] / 2);
        return (short)(((code ^ 0x55) & 0x80) != 0 ? value : -value);
    }

    [Fact]
    public void Ulaw_encode_matches_reference_for_every_16_bit_sample()
    {
        var mismatches = 0;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            if (G711.LinearToUlaw((short)x) != ReferenceUlaw((short)x))
            {
                mismatches++;
            }
        }

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Alaw_encode_matches_reference_for_every_16_bit_sample()
    {
        var mismatches = 0;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            if (G711.LinearToAlaw((short)x) != ReferenceAlaw((short)x))
            {
                mismatches++;
            }
        }

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Decode_matches_reference_for_all_256_codes()
    {
        for (var c = 0; c < 256; c++)
        {
            Assert.Equal(ReferenceUlawDecode((byte)c), G711.UlawToLinear((byte)c));
            Assert.Equal(ReferenceAlawDecode((byte)c), G711.AlawToLinear((byte)c));
        }
    }

    [Fact]
    public void Known_code_points_from_the_standard()
    {
        // Silence: µ-law 0xFF (positive zero), A-law 0xD5; full scale: µ-law 0x80 = +32124, A-law 0xAA = +32256.
        Assert.Equal(0xFF, G711.LinearToUlaw(0));
        Assert.Equal(0xD5, G711.LinearToAlaw(0));
        Assert.Equal(32124, G711.UlawToLinear(0x80));
        Assert.Equal(-32124, G711.UlawToLinear(0x00));
        Assert.Equal(32256, G711.AlawToLinear(0xAA));
        Assert.Equal(0x80, G711.LinearToUlaw(short.MaxValue));
        Assert.Equal(0xAA, G711.LinearToAlaw(short.MaxValue));
    }

    [Fact]
    public void Decode_then_encode_is_identity_on_codes()
    {
        for (var c = 0; c < 256; c++)
        {
            // µ-law has two zero codes (0x7F and 0xFF); both decode to 0 which encodes as 0xFF.
            var expected = c == 0x7F ? 0xFF : c;
            Assert.Equal(expected, G711.LinearToUlaw(G711.UlawToLinear((byte)c)));
            Assert.Equal(c, G711.LinearToAlaw(G711.AlawToLinear((byte)c)));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tone_and_chirp_round_trip_with_g711_snr(bool aLaw)
    {
        using var encoder = new G711Encoder(aLaw);
        using var decoder = new G711Decoder(aLaw);
        // 1004 Hz, not 1000: a 1 kHz tone at 8 kHz hits only 8 sample values and flatters the quantiser.
        foreach (var signal in new[] { Signals.Tone(1004, 8000, 8000), Signals.Chirp(100, 3600, 8000, 8000) })
        {
            var decoded = new short[signal.Length];
            var payload = new byte[160];
            for (var i = 0; i < signal.Length; i += 160)
            {
                Assert.Equal(160, encoder.Encode(signal.AsSpan(i, 160), payload));
                Assert.Equal(160, decoder.Decode(payload, decoded.AsSpan(i, 160)));
            }

            // G.711 gives about 38 dB on a -10 dBFS sine.
            Assert.InRange(Signals.Snr(signal, decoded, 0), 33, 45);
        }
    }

    [Fact]
    public void Plc_continues_a_tone_instead_of_silence()
    {
        using var encoder = new G711Encoder(aLaw: false);
        using var decoder = new G711Decoder(aLaw: false);
        var tone = Signals.Tone(440, 8000, 8000);
        var payload = new byte[160];
        var frame = new short[160];
        for (var i = 0; i < 10; i++)
        {
            encoder.Encode(tone.AsSpan(i * 160, 160), payload);
            decoder.Decode(payload, frame);
        }

        Assert.Equal(160, decoder.Conceal(frame));
        Assert.InRange(Signals.Rms(frame), 0.5 * Signals.Rms(tone), 1.2 * Signals.Rms(tone));
        Assert.InRange(Signals.DominantFrequency(frame, 8000, 200, 2000), 400, 480);
    }
}
