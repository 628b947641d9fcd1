using System.Security.Cryptography;

namespace Tolk.Sip.Auth;

/// <summary>
/// The client side of Digest (RFC 3261 §22.2–22.3): answers challenges, generating a cnonce and
/// counting nc per nonce so a nonce can be reused for later requests. Thread-safe.
/// </summary>
public sealed class DigestClient
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, uint> _nonceCounts = new(StringComparer.Ordinal);

    /// <summary>
    /// Picks the strongest challenge we can answer: SHA-256 before MD5 (RFC 8760 §2.4 lets the client
    /// choose; the server lists its preferred first). Returns null when none is usable.
    /// </summary>
    public static DigestChallenge? SelectChallenge(IEnumerable<DigestChallenge> challenges)
    {
        ArgumentNullException.ThrowIfNull(challenges);
        DigestChallenge? best = null;
        var bestRank = -1;
        foreach (var c in challenges)
        {
            if (c.Algorithm is not { } a)
            {
                continue;
            }
            var rank = a.BaseAlgorithm() == DigestAlgorithm.Sha256 ? 2 : 1;
            if (rank > bestRank)
            {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    /// <summary>
    /// Builds the credentials answering <paramref name="challenge"/>. Chooses qop=auth when offered,
    /// auth-int when only that is offered, and RFC 2069 style when qop is absent.
    /// </summary>
    /// <exception cref="NotSupportedException">The challenge's algorithm is not implemented.</exception>
    public DigestCredentials CreateAuthorization(
        DigestChallenge challenge, string username, string password, string method, string uri, ReadOnlyMemory<byte>? body = null)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (challenge.Algorithm is not { } algorithm)
        {
            throw new NotSupportedException($"Digest algorithm '{challenge.AlgorithmToken}' is not supported.");
        }
        string? qop = null;
        if (challenge.Qop.Contains("auth", StringComparer.OrdinalIgnoreCase))
        {
            qop = "auth";
        }
        else if (challenge.Qop.Contains("auth-int", StringComparer.OrdinalIgnoreCase))
        {
            qop = "auth-int";
        }
        else if (challenge.Qop.Count > 0)
        {
            throw new NotSupportedException($"No supported qop in '{string.Join(',', challenge.Qop)}'.");
        }

        string? cnonce = null;
        string? nc = null;
        if (qop is not null || algorithm.IsSession())
        {
            cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }
        if (qop is not null)
        {
            uint count;
            lock (_gate)
            {
                if (_nonceCounts.Count > 1024)
                {
                    // Bounded: old nonces are of no further use once the server has moved on.
                    _nonceCounts.Clear();
                }
                _nonceCounts.TryGetValue(challenge.Nonce, out count);
                count++;
                _nonceCounts[challenge.Nonce] = count;
            }
            nc = count.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        }

        var ha1 = SipCredential.ComputeHa1(username, challenge.Realm, password, algorithm);
        var response = SipCredential.ComputeResponse(
            algorithm, ha1, challenge.Nonce, nc, cnonce, qop, method, uri, body is { } b ? b.Span : default);
        return new DigestCredentials
        {
            Username = username,
            Realm = challenge.Realm,
            Nonce = challenge.Nonce,
            Uri = uri,
            Response = response,
            AlgorithmToken = challenge.AlgorithmToken is null ? null : algorithm.ToToken(),
            CNonce = cnonce,
            Opaque = challenge.Opaque,
            Qop = qop,
            NonceCount = nc,
        };
    }
}
