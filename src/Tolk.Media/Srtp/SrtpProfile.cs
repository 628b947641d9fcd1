namespace Tolk.Media.Srtp;

/// <summary>SRTP crypto suites offered through SDES (RFC 4568 §6.2, RFC 7714 §14.2).</summary>
public enum SrtpProfile
{
    /// <summary>AES_CM_128_HMAC_SHA1_80: AES-128 counter mode, 80-bit HMAC-SHA1 tag.</summary>
    AesCm128HmacSha1_80,

    /// <summary>AES_CM_128_HMAC_SHA1_32: as above with a 32-bit RTP tag (SRTCP keeps 80 bits, RFC 4568 §6.2.1).</summary>
    AesCm128HmacSha1_32,

    /// <summary>AEAD_AES_128_GCM: AES-128 GCM with a 16-octet tag (RFC 7714).</summary>
    AeadAes128Gcm,
}

/// <summary>Key sizes and SDP names of the <see cref="SrtpProfile"/> values.</summary>
public static class SrtpProfiles
{
    /// <summary>Master key length in bytes.</summary>
    public static int KeyLength(SrtpProfile profile) => 16;

    /// <summary>Master salt length in bytes: 14 for AES-CM, 12 for GCM (RFC 7714 §12).</summary>
    public static int SaltLength(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    /// <summary>Length of key||salt as carried in an SDES inline parameter.</summary>
    public static int KeySaltLength(SrtpProfile profile) => KeyLength(profile) + SaltLength(profile);

    /// <summary>Bytes SRTP appends to an RTP packet.</summary>
    public static int RtpTrailerLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 10,
        SrtpProfile.AesCm128HmacSha1_32 => 4,
        _ => 16,
    };

    /// <summary>Bytes SRTCP appends to an RTCP packet (E flag + index, then the tag).</summary>
    public static int RtcpTrailerLength(SrtpProfile profile) => 4 + (profile == SrtpProfile.AeadAes128Gcm ? 16 : 10);

    /// <summary>The crypto-suite name used in SDP a=crypto lines.</summary>
    public static string SdpName(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
        SrtpProfile.AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        _ => "AEAD_AES_128_GCM",
    };

    /// <summary>Maps an SDP crypto-suite name to a profile (case-sensitive, as RFC 4568 registers them).</summary>
    public static bool TryParse(string name, out SrtpProfile profile)
    {
        switch (name)
        {
            case "AES_CM_128_HMAC_SHA1_80":
                profile = SrtpProfile.AesCm128HmacSha1_80;
                return true;
            case "AES_CM_128_HMAC_SHA1_32":
                profile = SrtpProfile.AesCm128HmacSha1_32;
                return true;
            case "AEAD_AES_128_GCM":
                profile = SrtpProfile.AeadAes128Gcm;
                return true;
            default:
                profile = default;
                return false;
        }
    }

    /// <summary>Decodes the base64 key||salt of an SDES inline parameter; false on bad base64 or wrong length.</summary>
    public static bool TryDecodeInlineKey(SrtpProfile profile, string base64, out byte[] keySalt)
    {
        keySalt = [];
        Span<byte> buffer = stackalloc byte[64];
        if (!Convert.TryFromBase64String(base64, buffer, out var length) || length != KeySaltLength(profile))
        {
            return false;
        }

        keySalt = buffer[..length].ToArray();
        return true;
    }

    /// <summary>
    /// Parses the key-params of an SDP a=crypto line (RFC 4568 §6.1): <c>inline:&lt;base64 key||salt&gt;[|lifetime][|MKI:length]</c>.
    /// Only a single key is supported; a key with an MKI is refused because Tolk sends no MKI.
    /// </summary>
    public static bool TryParseKeyParams(SrtpProfile profile, string keyParams, out byte[] keySalt)
    {
        keySalt = [];
        const string prefix = "inline:";
        if (!keyParams.StartsWith(prefix, StringComparison.Ordinal) || keyParams.Contains(';', StringComparison.Ordinal))
        {
            return false;
        }

        var parts = keyParams[prefix.Length..].Split('|');
        if (parts.Length > 3)
        {
            return false;
        }

        for (var i = 1; i < parts.Length; i++)
        {
            if (parts[i].Contains(':', StringComparison.Ordinal))
            {
                return false; // MKI
            }
        }

        return TryDecodeInlineKey(profile, parts[0], out keySalt);
    }

    /// <summary>Formats key-params for an SDP offer or answer: <c>inline:&lt;base64&gt;</c>.</summary>
    public static string FormatKeyParams(ReadOnlySpan<byte> keySalt) => "inline:" + Convert.ToBase64String(keySalt);

    /// <summary>Generates a fresh random key||salt for <paramref name="profile"/>.</summary>
    public static byte[] GenerateKey(SrtpProfile profile) =>
        System.Security.Cryptography.RandomNumberGenerator.GetBytes(KeySaltLength(profile));
}

/// <summary>Outcome of an SRTP/SRTCP operation.</summary>
public enum SrtpResult
{
    /// <summary>Success.</summary>
    Ok,

    /// <summary>The authentication tag did not verify: tampered packet or wrong key.</summary>
    AuthenticationFailed,

    /// <summary>The packet index was already received (replay).</summary>
    Replay,

    /// <summary>The packet index is older than the replay window.</summary>
    ReplayTooOld,

    /// <summary>The buffer has no room for the trailer, or the packet is too short.</summary>
    BufferTooSmall,

    /// <summary>Any other libsrtp failure (the native status is in <see cref="SrtpContext.LastNativeStatus"/>).</summary>
    Failed,
}
