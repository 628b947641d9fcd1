namespace Tolk.Sip.Auth;

/// <summary>Outcome of <see cref="DigestAuthenticator.Verify(DigestCredentials, string, string, HashLookup)"/>.</summary>
public enum DigestVerdict
{
    /// <summary>Credentials are valid: accept the request.</summary>
    Ok,
    /// <summary>The response was right but the nonce expired: challenge again with stale=true.</summary>
    Stale,
    /// <summary>The response does not match the stored credentials: challenge again (stale=false).</summary>
    WrongPassword,
    /// <summary>The nonce was not issued by us (tampered, foreign or for another realm).</summary>
    InvalidNonce,
    /// <summary>No credentials are stored for this user in this realm.</summary>
    UnknownUser,
    /// <summary>Missing or ill-formed parameters, unsupported algorithm or qop: answer 400 or challenge again.</summary>
    Malformed,
    /// <summary>The digest-uri differs from the Request-URI (RFC 2617 §3.2.2.5).</summary>
    UriMismatch,
    /// <summary>The nonce-count did not increase: a replayed request.</summary>
    Replay,
}

/// <summary>Looks up the stored HA1 (lowercase hex) for a user, or null when the user is unknown.</summary>
/// <param name="username">The user name from the credentials.</param>
/// <param name="realm">The realm from the credentials.</param>
/// <param name="algorithm">The hash (MD5 or SHA-256) the HA1 must be computed with.</param>
public delegate string? HashLookup(string username, string realm, DigestAlgorithm algorithm);
