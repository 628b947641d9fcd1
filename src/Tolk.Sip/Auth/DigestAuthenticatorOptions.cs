namespace Tolk.Sip.Auth;

/// <summary>Settings for <see cref="DigestAuthenticator"/>.</summary>
public sealed class DigestAuthenticatorOptions
{
    /// <summary>How long a nonce is accepted; after that a correct response yields <see cref="DigestVerdict.Stale"/>.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Algorithms challenged with, most preferred first (RFC 8760 §2.4: SHA-256 before MD5).
    /// Credentials using any other algorithm are <see cref="DigestVerdict.Malformed"/>.
    /// </summary>
    public IReadOnlyList<DigestAlgorithm> Algorithms { get; set; } = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];

    /// <summary>
    /// Accept credentials without qop (RFC 2069 compatibility). Such responses carry no nonce-count,
    /// so a captured one can be replayed until the nonce expires: off by default.
    /// </summary>
    public bool AllowRfc2069 { get; set; }

    /// <summary>Upper bound on nonces whose nonce-count is tracked for replay protection.</summary>
    public int MaxTrackedNonces { get; set; } = 100_000;

    /// <summary>
    /// Key for the nonce HMAC. Null: a random per-process key (nonces then do not survive a restart,
    /// which clients handle as a stale nonce). Set a shared key when several servers share a realm.
    /// </summary>
    public byte[]? SecretKey { get; set; }

    /// <summary>Largest clock difference tolerated for nonces stamped "in the future" (multi-server skew).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(5);
}
