using System.Text;

namespace Tolk.Sip.Auth;

/// <summary>
/// A Digest challenge: the value of a <c>WWW-Authenticate</c> or <c>Proxy-Authenticate</c> header
/// (RFC 3261 §22.4, §25.1; RFC 7616 §3.3).
/// </summary>
public sealed class DigestChallenge
{
    /// <summary>The protection space (required).</summary>
    public required string Realm { get; init; }

    /// <summary>The server nonce (required).</summary>
    public required string Nonce { get; init; }

    /// <summary>Opaque data the client echoes back unchanged.</summary>
    public string? Opaque { get; init; }

    /// <summary>The domain parameter (space-separated URIs), if any.</summary>
    public string? Domain { get; init; }

    /// <summary>stale=true: the credentials were right but the nonce expired (RFC 2617 §3.2.1).</summary>
    public bool Stale { get; init; }

    /// <summary>The algorithm token as sent, or null when absent (which means MD5).</summary>
    public string? AlgorithmToken { get; init; }

    /// <summary>qop-options offered (e.g. "auth", "auth-int"); empty when absent (RFC 2069 style).</summary>
    public IReadOnlyList<string> Qop { get; init; } = [];

    /// <summary>userhash=true (RFC 7616 §3.4.4).</summary>
    public bool UserHash { get; init; }

    /// <summary>Parameters this type does not model, kept in order so formatting loses nothing.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OtherParameters { get; init; } = [];

    /// <summary>The parsed algorithm, or null when the token is not one we implement.</summary>
    public DigestAlgorithm? Algorithm =>
        DigestAlgorithms.TryParse(AlgorithmToken, out var a) ? a : null;

    /// <summary>Parses a challenge header value. Never throws.</summary>
    public static bool TryParse(string? value, out DigestChallenge? challenge, out string? error)
    {
        challenge = null;
        if (!DigestParameters.TryParseDigest(value, out var parameters, out error))
        {
            return false;
        }
        string? realm = null, nonce = null, opaque = null, domain = null, algorithm = null;
        bool stale = false, userHash = false;
        IReadOnlyList<string> qop = [];
        var others = new List<KeyValuePair<string, string>>();
        foreach (var (name, v) in parameters)
        {
            switch (name.ToUpperInvariant())
            {
                case "REALM": realm = v; break;
                case "NONCE": nonce = v; break;
                case "OPAQUE": opaque = v; break;
                case "DOMAIN": domain = v; break;
                case "ALGORITHM": algorithm = v; break;
                case "STALE": stale = string.Equals(v, "true", StringComparison.OrdinalIgnoreCase); break;
                case "USERHASH": userHash = string.Equals(v, "true", StringComparison.OrdinalIgnoreCase); break;
                case "QOP":
                    qop = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                default: others.Add(new(name, v)); break;
            }
        }
        if (realm is null)
        {
            error = "challenge has no realm";
            return false;
        }
        if (nonce is null)
        {
            error = "challenge has no nonce";
            return false;
        }
        challenge = new DigestChallenge
        {
            Realm = realm,
            Nonce = nonce,
            Opaque = opaque,
            Domain = domain,
            AlgorithmToken = algorithm,
            Stale = stale,
            UserHash = userHash,
            Qop = qop,
            OtherParameters = others,
        };
        return true;
    }

    /// <summary>Formats the header value (<c>Digest realm="…", nonce="…", …</c>).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Digest realm=");
        sb.Append(DigestParameters.Quote(Realm));
        if (Domain is not null)
        {
            sb.Append(", domain=").Append(DigestParameters.Quote(Domain));
        }
        sb.Append(", nonce=").Append(DigestParameters.Quote(Nonce));
        if (Opaque is not null)
        {
            sb.Append(", opaque=").Append(DigestParameters.Quote(Opaque));
        }
        if (Stale)
        {
            sb.Append(", stale=true");
        }
        if (AlgorithmToken is not null)
        {
            sb.Append(", algorithm=").Append(AlgorithmToken);
        }
        if (Qop.Count > 0)
        {
            sb.Append(", qop=").Append(DigestParameters.Quote(string.Join(',', Qop)));
        }
        if (UserHash)
        {
            sb.Append(", userhash=true");
        }
        foreach (var (name, v) in OtherParameters)
        {
            sb.Append(", ").Append(name).Append('=')
              .Append(DigestParameters.IsToken(v) ? v : DigestParameters.Quote(v));
        }
        return sb.ToString();
    }
}
