using Tolk.Media.Rtcp;
using Tolk.Media.Rtp;
using Tolk.Media.Srtp;

namespace Tolk.Media.Tests.Srtp;

public class SrtpContextTests
{
    public static TheoryData<SrtpProfile> Profiles() =>
        [SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32, SrtpProfile.AeadAes128Gcm];

    private static int WriteRtp(byte[] buffer, ushort seq, byte fill)
    {
        var payload = new byte[160];
        Array.Fill(payload, fill);
        Assert.True(new RtpHeader(8, seq, seq * 160u, 0x5EED).TryWrite(buffer, payload, out var n));
        return n;
    }

    [Fact]
    public void Gcm_is_offered_by_the_installed_library()
    {
        Assert.True(SrtpContext.IsSupported(SrtpProfile.AeadAes128Gcm));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Round_trip_through_a_second_context(SrtpProfile profile)
    {
        var key = SrtpProfiles.GenerateKey(profile);
        using var tx = SrtpContext.CreateOutbound(profile, key);
        using var rx = SrtpContext.CreateInbound(profile, key);
        var buffer = new byte[300];
        for (ushort seq = 65500; seq != 100; seq++)
        {
            var n = WriteRtp(buffer, seq, (byte)seq);
            var plain = buffer[..n];
            Assert.Equal(SrtpResult.Ok, tx.ProtectRtp(buffer, n, out var p));
            Assert.Equal(n + SrtpProfiles.RtpTrailerLength(profile), p);
            Assert.NotEqual(plain.AsSpan(12).ToArray(), buffer.AsSpan(12, n - 12).ToArray());
            Assert.Equal(SrtpResult.Ok, rx.UnprotectRtp(buffer, p, out var back));
            Assert.Equal(plain, buffer[..back]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Tampered_replayed_and_wrong_key_packets_are_rejected(SrtpProfile profile)
    {
        var key = SrtpProfiles.GenerateKey(profile);
        using var tx = SrtpContext.CreateOutbound(profile, key);
        using var rx = SrtpContext.CreateInbound(profile, key);
        using var wrong = SrtpContext.CreateInbound(profile, SrtpProfiles.GenerateKey(profile));
        var buffer = new byte[300];
        var n = WriteRtp(buffer, 1, 0x55);
        Assert.Equal(SrtpResult.Ok, tx.ProtectRtp(buffer, n, out var p));
        var original = buffer[..p];

        var tampered = (byte[])original.Clone();
        tampered[40] ^= 0x01;
        Assert.Equal(SrtpResult.AuthenticationFailed, rx.UnprotectRtp(tampered, p, out _));
        var badTag = (byte[])original.Clone();
        badTag[^1] ^= 0x80;
        Assert.Equal(SrtpResult.AuthenticationFailed, rx.UnprotectRtp(badTag, p, out _));
        Assert.Equal(SrtpResult.AuthenticationFailed, wrong.UnprotectRtp((byte[])original.Clone(), p, out _));

        Assert.Equal(SrtpResult.Ok, rx.UnprotectRtp((byte[])original.Clone(), p, out _));
        Assert.Equal(SrtpResult.Replay, rx.UnprotectRtp((byte[])original.Clone(), p, out _));
        Assert.Equal(SrtpResult.BufferTooSmall, rx.UnprotectRtp(new byte[8], 8, out _));
        Assert.Equal(SrtpResult.BufferTooSmall, tx.ProtectRtp(new byte[n], n, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Srtcp_round_trip_and_tamper(SrtpProfile profile)
    {
        var key = SrtpProfiles.GenerateKey(profile);
        using var tx = SrtpContext.CreateOutbound(profile, key);
        using var rx = SrtpContext.CreateInbound(profile, key);
        var buffer = new byte[200];
        Assert.True(RtcpWriter.TryWriteReceiverReport(buffer, 0x5EED, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)], out var n1));
        Assert.True(RtcpWriter.TryWriteSdesCname(buffer.AsSpan(n1), 0x5EED, "a@b", out var n2));
        var n = n1 + n2;
        var plain = buffer[..n];
        Assert.Equal(SrtpResult.Ok, tx.ProtectRtcp(buffer, n, out var p));
        Assert.Equal(n + SrtpProfiles.RtcpTrailerLength(profile), p);
        var tampered = buffer[..p];
        tampered[10] ^= 4;
        Assert.Equal(SrtpResult.AuthenticationFailed, rx.UnprotectRtcp(tampered, p, out _));
        Assert.Equal(SrtpResult.Ok, rx.UnprotectRtcp(buffer, p, out var back));
        Assert.Equal(plain, buffer[..back]);
    }

    [Fact]
    public void Sdes_inline_keys_decode_with_length_check()
    {
        var key = SrtpProfiles.GenerateKey(SrtpProfile.AesCm128HmacSha1_80);
        Assert.Equal(30, key.Length);
        Assert.True(SrtpProfiles.TryDecodeInlineKey(SrtpProfile.AesCm128HmacSha1_80, Convert.ToBase64String(key), out var decoded));
        Assert.Equal(key, decoded);
        Assert.False(SrtpProfiles.TryDecodeInlineKey(SrtpProfile.AeadAes128Gcm, Convert.ToBase64String(key), out _));
        Assert.False(SrtpProfiles.TryDecodeInlineKey(SrtpProfile.AesCm128HmacSha1_80, "not*base64", out _));
        Assert.True(SrtpProfiles.TryParse("AES_CM_128_HMAC_SHA1_32", out var p32));
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_32, p32);
        Assert.Throws<ArgumentException>(() => SrtpContext.CreateOutbound(SrtpProfile.AesCm128HmacSha1_80, new byte[16]));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Random_datagrams_never_authenticate_and_never_crash(SrtpProfile profile)
    {
        using var rx = SrtpContext.CreateInbound(profile, SrtpProfiles.GenerateKey(profile));
        var random = new Random(99);
        var buffer = new byte[256];
        for (var i = 0; i < 5000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = (byte)((buffer[0] & 0x3F) | 0x80); // keep version 2 so libsrtp looks deeper
            var length = random.Next(0, buffer.Length);
            Assert.NotEqual(SrtpResult.Ok, rx.UnprotectRtp(buffer, length, out _));
            Assert.NotEqual(SrtpResult.Ok, rx.UnprotectRtcp(buffer, length, out _));
        }
    }

    [Fact]
    public void Sdes_key_params_parse_as_rfc_4568_writes_them()
    {
        // RFC 4568 §4 example key (40 base64 chars = 30 bytes).
        const string key = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
        Assert.True(SrtpProfiles.TryParseKeyParams(SrtpProfile.AesCm128HmacSha1_80, "inline:" + key + "|2^20", out var a));
        Assert.Equal(30, a.Length);
        Assert.True(SrtpProfiles.TryParseKeyParams(SrtpProfile.AesCm128HmacSha1_32, "inline:" + key, out var b));
        Assert.Equal(a, b);
        Assert.False(SrtpProfiles.TryParseKeyParams(SrtpProfile.AesCm128HmacSha1_80, "inline:" + key + "|2^20|1:32", out _));
        Assert.False(SrtpProfiles.TryParseKeyParams(SrtpProfile.AesCm128HmacSha1_80, key, out _));
        Assert.Equal("inline:" + key, SrtpProfiles.FormatKeyParams(a));
    }
}
