namespace Tolk.Sip.Auth;

/// <summary>
/// Digest computations (RFC 2617 §3.2.2, RFC 7616 §3.4.1–3.4.3). HA1 = H(username:realm:password) is
/// what a registrar stores at rest: it authenticates only within one realm and never reveals the password.
/// </summary>
public static class SipCredential
{
    /// <summary>HA1 = H(username ":" realm ":" password) as lowercase hex, for the hash of <paramref name="algorithm"/>.</summary>
    public static string ComputeHa1(string username, string realm, string password, DigestAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
        return algorithm.BaseAlgorithm().HashHex($"{username}:{realm}:{password}");
    }

    /// <summary>
    /// The request-digest for a stored HA1 (the plain, non-session HA1). For "-sess" algorithms the
    /// session HA1 = H(HA1:nonce:cnonce) is derived here. <paramref name="qop"/> null means RFC 2069 style.
    /// For qop=auth-int, <paramref name="entityBody"/> is hashed into HA2 (an absent body hashes as empty).
    /// </summary>
    public static string ComputeResponse(
        DigestAlgorithm algorithm, string ha1, string nonce, string? nonceCount, string? cnonce, string? qop,
        string method, string digestUri, ReadOnlySpan<byte> entityBody = default)
    {
        ArgumentNullException.ThrowIfNull(ha1);
        ArgumentNullException.ThrowIfNull(nonce);
        var effectiveHa1 = algorithm.IsSession()
            ? algorithm.HashHex($"{ha1}:{nonce}:{cnonce}")
            : ha1;
        var ha2 = string.Equals(qop, "auth-int", StringComparison.OrdinalIgnoreCase)
            ? algorithm.HashHex($"{method}:{digestUri}:{algorithm.HashHex(entityBody)}")
            : algorithm.HashHex($"{method}:{digestUri}");
        return qop is null
            ? algorithm.HashHex($"{effectiveHa1}:{nonce}:{ha2}")
            : algorithm.HashHex($"{effectiveHa1}:{nonce}:{nonceCount}:{cnonce}:{qop}:{ha2}");
    }
}
