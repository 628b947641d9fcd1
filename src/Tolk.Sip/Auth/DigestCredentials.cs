using System.Text;

namespace Tolk.Sip.Auth;

/// <summary>
/// Digest credentials: the value of an <c>Authorization</c> or <c>Proxy-Authorization</c> header
/// (RFC 3261 §22.4, §25.1; RFC 7616 §3.4).
/// </summary>
public sealed class DigestCredentials
{
    /// <summary>The user name (or, with userhash, its hash).</summary>
    public required string Username { get; init; }

    /// <summary>The realm, echoed from the challenge.</summary>
    public required string Realm { get; init; }

    /// <summary>The nonce, echoed from the challenge.</summary>
    public required string Nonce { get; init; }

    /// <summary>The digest-uri (the Request-URI the client signed).</summary>
    public required string Uri { get; init; }

    /// <summary>The request-digest, lowercase hex.</summary>
    public required string Response { get; init; }

    /// <summary>The algorithm token, or null when absent (MD5).</summary>
    public string? AlgorithmToken { get; init; }

    /// <summary>Client nonce (required with qop).</summary>
    public string? CNonce { get; init; }

    /// <summary>Opaque echoed from the challenge.</summary>
    public string? Opaque { get; init; }

    /// <summary>The chosen qop ("auth" or "auth-int"), or null for RFC 2069 style.</summary>
    public string? Qop { get; init; }

    /// <summary>nonce-count as sent: 8 hex digits (required with qop).</summary>
    public string? NonceCount { get; init; }

    /// <summary>userhash=true (RFC 7616 §3.4.4).</summary>
    public bool UserHash { get; init; }

    /// <summary>Parameters this type does not model, kept in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OtherParameters { get; init; } = [];

    /// <summary>The parsed algorithm, or null when the token is not one we implement.</summary>
    public DigestAlgorithm? Algorithm =>
        DigestAlgorithms.TryParse(AlgorithmToken, out var a) ? a : null;

    /// <summary>Parses a credentials header value. Never throws.</summary>
    public static bool TryParse(string? value, out DigestCredentials? credentials, out string? error)
    {
        credentials = null;
        if (!DigestParameters.TryParseDigest(value, out var parameters, out error))
        {
            return false;
        }
        string? username = null, realm = null, nonce = null, uri = null, response = null;
        string? algorithm = null, cnonce = null, opaque = null, qop = null, nc = null;
        var userHash = false;
        var others = new List<KeyValuePair<string, string>>();
        foreach (var (name, v) in parameters)
        {
            switch (name.ToUpperInvariant())
            {
                case "USERNAME": username = v; break;
                case "REALM": realm = v; break;
                case "NONCE": nonce = v; break;
                case "URI": uri = v; break;
                case "RESPONSE": response = v; break;
                case "ALGORITHM": algorithm = v; break;
                case "CNONCE": cnonce = v; break;
                case "OPAQUE": opaque = v; break;
                case "QOP": qop = v; break;
                case "NC": nc = v; break;
                case "USERHASH": userHash = string.Equals(v, "true", StringComparison.OrdinalIgnoreCase); break;
                default: others.Add(new(name, v)); break;
            }
        }
        error = username is null ? "credentials have no username"
            : realm is null ? "credentials have no realm"
            : nonce is null ? "credentials have no nonce"
            : uri is null ? "credentials have no uri"
            : response is null ? "credentials have no response"
            : null;
        if (error is not null)
        {
            return false;
        }
        credentials = new DigestCredentials
        {
            Username = username!,
            Realm = realm!,
            Nonce = nonce!,
            Uri = uri!,
            Response = response!,
            AlgorithmToken = algorithm,
            CNonce = cnonce,
            Opaque = opaque,
            Qop = qop,
            NonceCount = nc,
            UserHash = userHash,
            OtherParameters = others,
        };
        return true;
    }

    /// <summary>Formats the header value (<c>Digest username="…", realm="…", …</c>).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Digest username=");
        sb.Append(DigestParameters.Quote(Username));
        sb.Append(", realm=").Append(DigestParameters.Quote(Realm));
        sb.Append(", nonce=").Append(DigestParameters.Quote(Nonce));
        sb.Append(", uri=").Append(DigestParameters.Quote(Uri));
        sb.Append(", response=").Append(DigestParameters.Quote(Response));
        if (AlgorithmToken is not null)
        {
            sb.Append(", algorithm=").Append(AlgorithmToken);
        }
        if (CNonce is not null)
        {
            sb.Append(", cnonce=").Append(DigestParameters.Quote(CNonce));
        }
        if (Opaque is not null)
        {
            sb.Append(", opaque=").Append(DigestParameters.Quote(Opaque));
        }
        if (Qop is not null)
        {
            // RFC 3261 §25.1 message-qop and nonce-count are unquoted tokens.
            sb.Append(", qop=").Append(Qop);
        }
        if (NonceCount is not null)
        {
            sb.Append(", nc=").Append(NonceCount);
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
