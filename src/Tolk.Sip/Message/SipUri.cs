using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1), or any other absolute URI kept opaque (tel:, http:, …) so that
/// the core can answer 416 for schemes it does not serve rather than failing to parse.
/// </summary>
public sealed class SipUri
{
    public SipUri(string scheme, string? user, string host, int? port = null)
    {
        Scheme = scheme.ToLowerInvariant();
        User = user;
        Host = host;
        Port = port;
    }

    private SipUri(string scheme) => Scheme = scheme;

    /// <summary>Lower-case scheme: "sip", "sips", "tel", …</summary>
    public string Scheme { get; }

    /// <summary>The user part as written (still %-escaped), or null.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Host name, IPv4 address, or IPv6 reference with its brackets; empty for opaque URIs.</summary>
    public string Host { get; set; } = "";

    public int? Port { get; set; }

    public SipParameters Parameters { get; private set; } = new();

    /// <summary>The "?h=v&amp;…" part without the question mark, or null.</summary>
    public string? Headers { get; set; }

    /// <summary>For non-SIP schemes, everything after "scheme:".</summary>
    public string? Opaque { get; private set; }

    public bool IsSip => Scheme is "sip" or "sips";

    public bool IsSecure => Scheme == "sips";

    /// <summary>The user part with %-escapes decoded (RFC 3261 §19.1.4 compares unescaped).</summary>
    public string? UserUnescaped => User is null ? null : Unescape(User);

    /// <summary>Host without IPv6 brackets, lower-cased.</summary>
    public string HostName => (Host.StartsWith('[') && Host.EndsWith(']') ? Host[1..^1] : Host).ToLowerInvariant();

    public string? Transport => Parameters["transport"]?.ToLowerInvariant();

    public bool LooseRouting => Parameters.Contains("lr");

    public SipUri Clone()
    {
        var c = new SipUri(Scheme)
        {
            User = User,
            Password = Password,
            Host = Host,
            Port = Port,
            Headers = Headers,
            Opaque = Opaque,
            Parameters = Parameters.Clone(),
        };
        return c;
    }

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new FormatException($"Invalid URI: {text}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsScheme(text.AsSpan(0, colon)))
        {
            return false;
        }
        var scheme = text[..colon].ToLowerInvariant();
        var rest = text.AsSpan(colon + 1);
        if (scheme is not ("sip" or "sips"))
        {
            if (rest.IsEmpty || rest.ContainsAny(" \t\r\n<>\""))
            {
                return false;
            }
            uri = new SipUri(scheme) { Opaque = rest.ToString() };
            return true;
        }
        return TryParseSip(scheme, rest, out uri);
    }

    private static bool TryParseSip(string scheme, ReadOnlySpan<char> rest, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (rest.IsEmpty || rest.ContainsAny(" \t\r\n<>\""))
        {
            return false;
        }
        var result = new SipUri(scheme);

        // userinfo ends at the last '@' before any ';' or '?' that follows the host; the user part may
        // itself contain escaped or unreserved ';' and '?' (RFC 3261 §25: user-unreserved), so take the last '@'.
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var pw = userInfo.IndexOf(':');
            var user = pw >= 0 ? userInfo[..pw] : userInfo;
            if (user.IsEmpty || !IsValidEscapes(user))
            {
                return false;
            }
            result.User = user.ToString();
            if (pw >= 0)
            {
                result.Password = userInfo[(pw + 1)..].ToString();
            }
        }

        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            result.Headers = rest[(q + 1)..].ToString();
            rest = rest[..q];
        }
        var semi = rest.IndexOf(';');
        var hostPort = semi >= 0 ? rest[..semi] : rest;
        if (semi >= 0 && !SipGrammar.TryParseParameters(rest[semi..], result.Parameters))
        {
            return false;
        }
        if (!TryParseHostPort(hostPort, out var host, out var port))
        {
            return false;
        }
        result.Host = host;
        result.Port = port;
        uri = result;
        return true;
    }

    /// <summary>Parses host[:port] where host is a name, IPv4 address or bracketed IPv6 reference.</summary>
    public static bool TryParseHostPort(ReadOnlySpan<char> text, out string host, out int? port)
    {
        host = "";
        port = null;
        ReadOnlySpan<char> portText = default;
        if (text.IsEmpty)
        {
            return false;
        }
        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(text[1..close], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
            host = text[..(close + 1)].ToString();
            var after = text[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    return false;
                }
                portText = after[1..];
            }
        }
        else
        {
            var c = text.IndexOf(':');
            var h = c >= 0 ? text[..c] : text;
            if (c >= 0)
            {
                portText = text[(c + 1)..];
            }
            if (!IsHostName(h))
            {
                return false;
            }
            host = h.ToString();
        }
        if (!portText.IsEmpty || (text.Length > 0 && text[^1] == ':'))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                return false;
            }
            port = p;
        }
        return true;
    }

    private static bool IsHostName(ReadOnlySpan<char> h)
    {
        if (h.IsEmpty || h.Length > 255)
        {
            return false;
        }
        foreach (var c in h)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }
        return h[0] != '.' && h[0] != '-';
    }

    private static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsValidEscapes(ReadOnlySpan<char> s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2])))
            {
                return false;
            }
            if (s[i] is ' ' or '\t' or '<' or '>' or '"' or '@')
            {
                return false;
            }
        }
        return true;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal))
        {
            return s;
        }
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && i + 2 < s.Length)
            {
                bytes.Add(byte.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public override string ToString()
    {
        if (!IsSip)
        {
            return Scheme + ":" + Opaque;
        }
        var sb = new StringBuilder(64);
        sb.Append(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null)
            {
                sb.Append(':').Append(Password);
            }
            sb.Append('@');
        }
        sb.Append(Host);
        if (Port is not null)
        {
            sb.Append(':').Append(Port.Value.ToString(CultureInfo.InvariantCulture));
        }
        Parameters.AppendTo(sb);
        if (Headers is not null)
        {
            sb.Append('?').Append(Headers);
        }
        return sb.ToString();
    }
}
