using System.Security.Cryptography;
using System.Text;

namespace Tolk.Sip.Auth;

/// <summary>Digest hash algorithms (RFC 7616 §3.3; SHA-256 in SIP per RFC 8760).</summary>
public enum DigestAlgorithm
{
    /// <summary>"MD5" — the RFC 2617 default when the algorithm parameter is absent.</summary>
    Md5,
    /// <summary>"MD5-sess" — HA1 is re-hashed with the nonce and cnonce (RFC 2617 §3.2.2.2).</summary>
    Md5Sess,
    /// <summary>"SHA-256" (RFC 7616, RFC 8760).</summary>
    Sha256,
    /// <summary>"SHA-256-sess" (RFC 7616).</summary>
    Sha256Sess,
}

/// <summary>Names, parsing and hashing for <see cref="DigestAlgorithm"/>.</summary>
public static class DigestAlgorithms
{
    /// <summary>The token as written in the algorithm parameter.</summary>
    public static string ToToken(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5 => "MD5",
        DigestAlgorithm.Md5Sess => "MD5-sess",
        DigestAlgorithm.Sha256 => "SHA-256",
        DigestAlgorithm.Sha256Sess => "SHA-256-sess",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Parses an algorithm token case-insensitively; an absent token (null) means MD5 (RFC 2617 §3.2.1).</summary>
    public static bool TryParse(string? token, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (token is null)
        {
            return true;
        }
        switch (token.ToUpperInvariant())
        {
            case "MD5": algorithm = DigestAlgorithm.Md5; return true;
            case "MD5-SESS": algorithm = DigestAlgorithm.Md5Sess; return true;
            case "SHA-256": algorithm = DigestAlgorithm.Sha256; return true;
            case "SHA-256-SESS": algorithm = DigestAlgorithm.Sha256Sess; return true;
            default: return false;
        }
    }

    /// <summary>True for the "-sess" variants.</summary>
    public static bool IsSession(this DigestAlgorithm algorithm) =>
        algorithm is DigestAlgorithm.Md5Sess or DigestAlgorithm.Sha256Sess;

    /// <summary>The non-session algorithm whose hash function is used (what stored HA1 values are computed with).</summary>
    public static DigestAlgorithm BaseAlgorithm(this DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5Sess => DigestAlgorithm.Md5,
        DigestAlgorithm.Sha256Sess => DigestAlgorithm.Sha256,
        _ => algorithm,
    };

    /// <summary>Length in hex characters of a digest of this algorithm.</summary>
    public static int HexLength(this DigestAlgorithm algorithm) =>
        algorithm.BaseAlgorithm() == DigestAlgorithm.Md5 ? 32 : 64;

    /// <summary>H(data) as lowercase hex over the UTF-8 bytes of <paramref name="data"/>.</summary>
    internal static string HashHex(this DigestAlgorithm algorithm, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        return algorithm.HashHex(bytes);
    }

    internal static string HashHex(this DigestAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        int written;
        if (algorithm.BaseAlgorithm() == DigestAlgorithm.Md5)
        {
            // RFC 2617 / RFC 3261 §22 mandate MD5 for interoperability with deployed phones.
#pragma warning disable CA5351
            written = MD5.HashData(data, digest);
#pragma warning restore CA5351
        }
        else
        {
            written = SHA256.HashData(data, digest);
        }
        return Convert.ToHexStringLower(digest[..written]);
    }
}
