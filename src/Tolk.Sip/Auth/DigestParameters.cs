using System.Text;

namespace Tolk.Sip.Auth;

/// <summary>
/// Reads and writes the auth-param lists shared by challenges and credentials
/// (RFC 3261 §25.1 / RFC 7235 §2.1): <c>scheme name=token, name="quoted \" string", …</c>.
/// Parameter names are case-insensitive; commas inside quoted strings do not split.
/// </summary>
internal static class DigestParameters
{
    /// <summary>Parses a challenge or credentials value whose scheme must be Digest.</summary>
    public static bool TryParseDigest(string? value, out List<KeyValuePair<string, string>> parameters, out string? error)
    {
        if (!TryParse(value, out var scheme, out parameters, out error))
        {
            return false;
        }
        if (!string.Equals(scheme, "Digest", StringComparison.OrdinalIgnoreCase))
        {
            error = $"unsupported scheme '{scheme}'";
            return false;
        }
        return true;
    }

    public static bool TryParse(string? value, out string scheme, out List<KeyValuePair<string, string>> parameters, out string? error)
    {
        scheme = string.Empty;
        parameters = [];
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "empty header value";
            return false;
        }
        var s = value.AsSpan();
        var i = SkipWs(s, 0);
        var start = i;
        while (i < s.Length && IsTokenChar(s[i]))
        {
            i++;
        }
        if (i == start)
        {
            error = "missing authentication scheme";
            return false;
        }
        scheme = s[start..i].ToString();
        if (i < s.Length && !IsWs(s[i]))
        {
            error = $"unexpected character '{s[i]}' after scheme";
            return false;
        }
        i = SkipWs(s, i);
        var sb = new StringBuilder();
        while (i < s.Length)
        {
            start = i;
            while (i < s.Length && IsTokenChar(s[i]))
            {
                i++;
            }
            if (i == start)
            {
                error = $"expected parameter name at offset {i}";
                return false;
            }
            var name = s[start..i].ToString();
            i = SkipWs(s, i);
            if (i >= s.Length || s[i] != '=')
            {
                error = $"parameter '{name}' has no value";
                return false;
            }
            i = SkipWs(s, i + 1);
            string paramValue;
            if (i < s.Length && s[i] == '"')
            {
                sb.Clear();
                i++;
                var closed = false;
                while (i < s.Length)
                {
                    var c = s[i];
                    if (c == '\\')
                    {
                        // RFC 3261 §25.1 quoted-pair: the next character stands for itself.
                        if (i + 1 >= s.Length)
                        {
                            break;
                        }
                        sb.Append(s[i + 1]);
                        i += 2;
                        continue;
                    }
                    if (c == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }
                    sb.Append(c);
                    i++;
                }
                if (!closed)
                {
                    error = $"unterminated quoted string in parameter '{name}'";
                    return false;
                }
                paramValue = sb.ToString();
            }
            else
            {
                // Tolerant: some clients leave values such as uri or nonce unquoted; anything up to
                // the next comma or whitespace is taken as the value.
                start = i;
                while (i < s.Length && s[i] != ',' && s[i] != '"' && !IsWs(s[i]))
                {
                    i++;
                }
                if (i == start)
                {
                    error = $"parameter '{name}' has an empty value";
                    return false;
                }
                paramValue = s[start..i].ToString();
            }
            foreach (var p in parameters)
            {
                if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    error = $"duplicate parameter '{name}'";
                    return false;
                }
            }
            parameters.Add(new(name, paramValue));
            i = SkipWs(s, i);
            if (i >= s.Length)
            {
                break;
            }
            if (s[i] != ',')
            {
                error = $"expected ',' at offset {i}";
                return false;
            }
            i = SkipWs(s, i + 1);
        }
        if (parameters.Count == 0)
        {
            error = "no parameters";
            return false;
        }
        return true;
    }

    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        sb.Append('"');
        return sb.ToString();
    }

    public static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }
        return true;
    }

    // RFC 3261 §25.1 token characters.
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    private static bool IsWs(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static int SkipWs(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && IsWs(s[i]))
        {
            i++;
        }
        return i;
    }
}
