using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>
/// name-addr or addr-spec with header parameters: the value of From, To, Contact, Route,
/// Record-Route, Refer-To (RFC 3261 §20.10, §25.1). Contact may also be the wildcard "*".
/// </summary>
public sealed class SipNameAddress
{
    public SipNameAddress(SipUri uri, string? displayName = null)
    {
        Uri = uri;
        DisplayName = displayName;
    }

    private SipNameAddress()
    {
        Uri = null!;
    }

    /// <summary>Display name without quotes, or null.</summary>
    public string? DisplayName { get; set; }

    public SipUri Uri { get; set; }

    public SipParameters Parameters { get; private set; } = new();

    /// <summary>The Contact wildcard "*" of a REGISTER that removes all bindings.</summary>
    public bool IsWildcard { get; private set; }

    public string? Tag
    {
        get => Parameters["tag"];
        set
        {
            if (value is null)
            {
                Parameters.Remove("tag");
            }
            else
            {
                Parameters.Set("tag", value);
            }
        }
    }

    public SipNameAddress Clone() => new()
    {
        DisplayName = DisplayName,
        Uri = Uri?.Clone()!,
        Parameters = Parameters.Clone(),
        IsWildcard = IsWildcard,
    };

    public SipNameAddress WithTag(string tag)
    {
        var c = Clone();
        c.Tag = tag;
        return c;
    }

    public static SipNameAddress Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"Invalid name-addr: {text}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipNameAddress? result)
    {
        result = null;
        if (text is null)
        {
            return false;
        }
        var s = text.AsSpan().Trim(" \t");
        if (s.IsEmpty)
        {
            return false;
        }
        if (s.SequenceEqual("*"))
        {
            result = new SipNameAddress { IsWildcard = true };
            return true;
        }

        var na = new SipNameAddress();
        var lt = FindAngle(s);
        if (lt >= 0)
        {
            var display = s[..lt].Trim(" \t");
            if (!display.IsEmpty)
            {
                if (display[0] == '"')
                {
                    var close = SipGrammar.FindClosingQuote(display);
                    if (close != display.Length - 1)
                    {
                        return false;
                    }
                    na.DisplayName = SipGrammar.Unquote(display.ToString());
                }
                else
                {
                    foreach (var c in display)
                    {
                        if (!(SipGrammar.IsTokenChar(c) || c is ' ' or '\t'))
                        {
                            return false;
                        }
                    }
                    na.DisplayName = display.ToString();
                }
            }
            var gt = s[lt..].IndexOf('>');
            if (gt < 0)
            {
                return false;
            }
            gt += lt;
            if (!SipUri.TryParse(s[(lt + 1)..gt].ToString(), out var uri))
            {
                return false;
            }
            na.Uri = uri;
            if (!SipGrammar.TryParseParameters(s[(gt + 1)..], na.Parameters))
            {
                return false;
            }
        }
        else
        {
            // addr-spec: parameters after the URI belong to the header, not the URI (RFC 3261 §20.10),
            // and the URI itself cannot carry ',', ';' or '?' here.
            var semi = s.IndexOf(';');
            var uriText = semi >= 0 ? s[..semi] : s;
            if (uriText.ContainsAny(",?") || !SipUri.TryParse(uriText.Trim(" \t").ToString(), out var uri))
            {
                return false;
            }
            na.Uri = uri;
            if (semi >= 0 && !SipGrammar.TryParseParameters(s[semi..], na.Parameters))
            {
                return false;
            }
        }
        result = na;
        return true;
    }

    private static int FindAngle(ReadOnlySpan<char> s)
    {
        var inQuotes = false;
        for (var i = 0; i < s.Length; i++)
        {
            if (inQuotes)
            {
                if (s[i] == '\\')
                {
                    i++;
                }
                else if (s[i] == '"')
                {
                    inQuotes = false;
                }
            }
            else if (s[i] == '"')
            {
                inQuotes = true;
            }
            else if (s[i] == '<')
            {
                return i;
            }
        }
        return -1;
    }

    public override string ToString()
    {
        if (IsWildcard)
        {
            return "*";
        }
        var sb = new StringBuilder(96);
        if (!string.IsNullOrEmpty(DisplayName))
        {
            sb.Append(SipGrammar.Quote(DisplayName)).Append(' ');
        }
        sb.Append('<').Append(Uri).Append('>');
        Parameters.AppendTo(sb);
        return sb.ToString();
    }
}
