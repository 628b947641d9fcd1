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
        var scheme = InternScheme(text.AsSpan(0, colon));
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

    private static string InternScheme(ReadOnlySpan<char> scheme)
    {
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase))
        {
            return "sip";
        }
        if (scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            return "sips";
        }
        return scheme.Equals("tel", StringComparison.OrdinalIgnoreCase) ? "tel" : scheme.ToString().ToLowerInvariant();
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
            if (close < 0 || !IsIPv6Address(text[1..close]))
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

    /// <summary>
    /// An IPv6 address as RFC 4291 writes it, or with the stray third colon before an embedded IPv4
    /// address that RFC 3261's ABNF allows by mistake (RFC 5118 §4.10: tolerate both).
    /// </summary>
    public static bool IsIPv6Address(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text.Length > 64 || text.ContainsAny("%/ \t"))
        {
            return false;
        }
        if (IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return true;
        }
        var triple = text.IndexOf(":::", StringComparison.Ordinal);
        if (triple < 0 || text.LastIndexOf('.') < triple)
        {
            return false;
        }
        Span<char> fixedUp = stackalloc char[text.Length - 1];
        text[..triple].CopyTo(fixedUp);
        text[(triple + 1)..].CopyTo(fixedUp[triple..]);
        return IPAddress.TryParse(fixedUp, out v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
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
            if (s[i] == '%' && i + 2 < s.Length && byte.TryParse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
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
