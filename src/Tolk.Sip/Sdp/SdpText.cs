using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tolk.Sip.Sdp;

/// <summary>Small lexical helpers shared by the SDP parsers (RFC 4566 §9 grammar).</summary>
internal static class SdpText
{
    public static bool TryParsePayloadType(ReadOnlySpan<char> s, out int pt) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out pt) && pt is >= 0 and <= 127;

    public static bool TryParsePort(ReadOnlySpan<char> s, out int port) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;

    // RFC 4566 §9 token-char: any visible ASCII except the separators below.
    public static bool IsToken(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (c <= ' ' || c >= 0x7F || c is '"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}')
            {
                return false;
            }
        }
        return true;
    }

    public static bool TryParseConnection(string value, out SdpConnection? connection, out string? error)
    {
        connection = null;
        error = null;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            error = "c= needs <nettype> <addrtype> <address>";
            return false;
        }
        var address = parts[2];
        string? suffix = null;
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            suffix = address[(slash + 1)..];
            address = address[..slash];
        }
        if (parts[0] != "IN")
        {
            // Other network types are legal but meaningless to us: keep them, the negotiator rejects.
            connection = new SdpConnection(parts[0], parts[1], address, suffix);
            return true;
        }
        if (parts[1] == "IP4")
        {
            if (IPAddress.TryParse(address, out var ip) && ip.AddressFamily != AddressFamily.InterNetwork)
            {
                error = $"'{address}' is not an IPv4 address";
                return false;
            }
            if (ip is null && !IsHostName(address))
            {
                error = $"'{address}' is neither an IPv4 address nor a host name";
                return false;
            }
        }
        else if (parts[1] == "IP6")
        {
            if (IPAddress.TryParse(address, out var ip) ? ip.AddressFamily != AddressFamily.InterNetworkV6 : !IsHostName(address))
            {
                error = $"'{address}' is neither an IPv6 address nor a host name";
                return false;
            }
        }
        else
        {
            error = $"unknown address type '{parts[1]}'";
            return false;
        }
        connection = new SdpConnection(parts[0], parts[1], address, suffix);
        return true;
    }

    private static bool IsHostName(string s)
    {
        if (s.Length is 0 or > 253)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.')
            {
                return false;
            }
        }
        // A dotted all-numeric string that failed IP parsing is not a host name.
        return s.Any(char.IsAsciiLetter);
    }
}
