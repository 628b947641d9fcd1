using System.Text;

namespace Tolk.Sip.Message;

/// <summary>Lexical helpers shared by the header parsers (RFC 3261 §25.1).</summary>
public static class SipGrammar
{
    /// <summary>
    /// Splits a header value at top-level commas, ignoring commas inside quoted strings and inside
    /// &lt;...&gt; (a URI may carry commas in its headers part).
    /// </summary>
    public static List<string> SplitList(string value)
    {
        var result = new List<string>(1);
        var inQuotes = false;
        var inAngle = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inQuotes = true;
                    break;
                case '<':
                    inAngle = true;
                    break;
                case '>':
                    inAngle = false;
                    break;
                case ',' when !inAngle:
                    AddTrimmed(result, value, start, i);
                    start = i + 1;
                    break;
            }
        }
        AddTrimmed(result, value, start, value.Length);
        return result;
    }

    private static void AddTrimmed(List<string> list, string s, int start, int end)
    {
        var span = s.AsSpan(start, end - start).Trim(" \t\r\n");
        if (!span.IsEmpty)
        {
            list.Add(span.Length == s.Length ? s : span.ToString());
        }
    }

    /// <summary>
    /// Parses ";name[=value]" parameters starting at <paramref name="text"/>; a value may be a quoted
    /// string (kept with its quotes so that it serialises back unchanged). Returns false on bad syntax.
    /// </summary>
    public static bool TryParseParameters(ReadOnlySpan<char> text, SipParameters into)
    {
        text = text.Trim(" \t");
        while (!text.IsEmpty)
        {
            if (text[0] != ';')
            {
                return false;
            }
            text = text[1..].TrimStart(" \t");
            var nameEnd = text.IndexOfAny("=; \t");
            if (nameEnd < 0)
            {
                nameEnd = text.Length;
            }
            var name = text[..nameEnd];
            if (name.IsEmpty || !IsToken(name))
            {
                return false;
            }
            text = text[nameEnd..].TrimStart(" \t");
            string? value = null;
            if (!text.IsEmpty && text[0] == '=')
            {
                text = text[1..].TrimStart(" \t");
                if (!text.IsEmpty && text[0] == '"')
                {
                    var close = FindClosingQuote(text);
                    if (close < 0)
                    {
                        return false;
                    }
                    value = text[..(close + 1)].ToString();
                    text = text[(close + 1)..];
                }
                else
                {
                    var end = text.IndexOfAny("; \t");
                    if (end < 0)
                    {
                        end = text.Length;
                    }
                    var raw = text[..end];
                    if (raw.IsEmpty || !IsParamValue(raw))
                    {
                        return false;
                    }
                    value = raw.ToString();
                    text = text[end..];
                }
            }
            into.Add(name.ToString(), value);
            text = text.TrimStart(" \t");
        }
        return true;
    }

    /// <summary>Index of the quote closing the quoted string that starts at index 0, honouring \-escapes.</summary>
    public static int FindClosingQuote(ReadOnlySpan<char> text)
    {
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Removes surrounding quotes and \-escapes from a quoted-string.</summary>
    public static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        var inner = value.AsSpan(1, value.Length - 2);
        if (!inner.Contains('\\'))
        {
            return inner.ToString();
        }
        var sb = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }
            sb.Append(inner[i]);
        }
        return sb.ToString();
    }

    /// <summary>Quotes a string for use as a quoted-string, escaping quote and backslash.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>RFC 3261 token characters: alphanum and -.!%*_+`'~</summary>
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsParamValue(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            // token, IPv6 reference brackets and colons (received=[::1]), and the URI param-unreserved set.
            if (!(IsTokenChar(c) || c is '[' or ']' or ':' or '/' or '&' or '$' or '@' or '?' or '#'))
            {
                return false;
            }
        }
        return true;
    }
}
