using System.Buffers.Binary;
using System.Security.Cryptography;
using Tolk.Media.Rtp;
using Tolk.Media.Srtp;

namespace Tolk.Media.Tests.Srtp;

/// <summary>RFC 3711 Appendix B vectors, run through libsrtp.</summary>
public class SrtpVectorTests
{
    private const string B2 = "rfc3711-b2-aes-cm.txt";
    private const string B3 = "rfc3711-b3-key-derivation.txt";

    /// <summary>(block index, expected keystream block) rows of the B.2 table.</summary>
    private static List<(int Block, byte[] Keystream)> B2Rows()
    {
        var rows = new List<(int, byte[])>();
        foreach (var raw in TestData.Lines(B2))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0].Length == 32 && parts[1].Length == 32 && !parts[0].Contains(':', StringComparison.Ordinal))
            {
                rows.Add((TestData.ParseHexInt(parts[0][28..]), Convert.FromHexString(parts[1])));
            }
        }

        return rows;
    }

    [Fact]
    public void B2_libsrtp_aes_cm_keystream_matches_rfc()
    {
        var key = TestData.HexField(B2, "Session Key");
        var salt = TestData.HexField(B2, "Session Salt")[..14];
        var rows = B2Rows();
        Assert.Equal(6, rows.Count);
        var keystream = new byte[(rows.Max(r => r.Block) + 1) * 16];
        SrtpCipherProbe.AesCmKeystream(key, salt, new byte[16], keystream);
        foreach (var (block, expected) in rows)
        {
            Assert.Equal(expected, keystream.AsSpan(block * 16, 16).ToArray());
        }
    }

    [Fact]
    public void B2_reference_aes_cm_of_this_test_matches_rfc()
    {
        // The independent AES-CM used to check B.3 below must itself reproduce B.2.
        var key = TestData.HexField(B2, "Session Key");
        var salt = TestData.HexField(B2, "Session Salt")[..14];
        var rows = B2Rows();
        var ks = ReferenceSrtp.Keystream(key, salt, ssrc: 0, index: 0, (rows.Max(r => r.Block) + 1) * 16);
        foreach (var (block, expected) in rows)
        {
            Assert.Equal(expected, ks.AsSpan(block * 16, 16).ToArray());
        }
    }

    [Theory]
    [InlineData(0x00000000u, (ushort)0)]
    [InlineData(0xCAFEBABEu, (ushort)4711)]
    public void B3_libsrtp_output_equals_rfc_session_keys_applied_by_hand(uint ssrc, ushort seq)
    {
        var masterKey = TestData.HexField(B3, "master key");
        var masterSalt = TestData.HexField(B3, "master salt");
        var cipherKey = TestData.HexField(B3, "cipher key");
        var cipherSalt = TestData.HexField(B3, "cipher salt");
        var authKey = TestData.HexField(B3, "auth key");

        var payload = new byte[160];
        new Random(7).NextBytes(payload);
        var buffer = new byte[256];
        Assert.True(new RtpHeader(0, seq, 12345, ssrc).TryWrite(buffer, payload, out var length));
        var plain = buffer.AsSpan(0, length).ToArray();

        using var ctx = SrtpContext.CreateOutbound(SrtpProfile.AesCm128HmacSha1_80, [.. masterKey, .. masterSalt]);
        Assert.Equal(SrtpResult.Ok, ctx.ProtectRtp(buffer, length, out var protectedLength));
        Assert.Equal(length + 10, protectedLength);

        // RFC 3711 §4.1.1 and §4.2.1 with the B.3 session keys, computed independently of libsrtp.
        var ks = ReferenceSrtp.Keystream(cipherKey, cipherSalt, ssrc, seq, payload.Length);
        var expected = new byte[length + 10];
        plain.AsSpan(0, 12).CopyTo(expected);
        for (var i = 0; i < payload.Length; i++)
        {
            expected[12 + i] = (byte)(payload[i] ^ ks[i]);
        }

        var authInput = new byte[length + 4]; // authenticated portion || ROC (0)
        expected.AsSpan(0, length).CopyTo(authInput);
        var tag = HMACSHA1.HashData(authKey, authInput);
        tag.AsSpan(0, 10).CopyTo(expected.AsSpan(length));
        Assert.Equal(expected, buffer.AsSpan(0, protectedLength).ToArray());
    }
}

/// <summary>A from-the-RFC AES-CM and helpers, written in the test to check libsrtp independently.</summary>
internal static class ReferenceSrtp
{
    /// <summary>RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), counter in the low 16 bits.</summary>
    public static byte[] Keystream(byte[] key, byte[] salt14, uint ssrc, ulong index, int length)
    {
        var iv = new byte[16];
        salt14.CopyTo(iv, 0);
        Span<byte> ssrcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(ssrcBytes, ssrc);
        for (var i = 0; i < 4; i++)
        {
            iv[4 + i] ^= ssrcBytes[i];
        }

        for (var i = 0; i < 6; i++)
        {
            iv[13 - i] ^= (byte)(index >> (8 * i));
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var blocks = (length + 15) / 16;
        var counters = new byte[blocks * 16];
        for (var n = 0; n < blocks; n++)
        {
            iv.CopyTo(counters, n * 16);
            var counter = (ushort)n;
            counters[(n * 16) + 14] ^= (byte)(counter >> 8);
            counters[(n * 16) + 15] ^= (byte)counter;
        }

        // Counter mode = ECB encryption of the successive counter blocks.
        return aes.EncryptEcb(counters, PaddingMode.None)[..length];
    }
}
