using System.Text;

namespace Tolk.Sip.Message;

public static partial class SipParser
{
    private static readonly SipUri PlaceholderUri = new("sip", null, "invalid");

    /// <summary>
    /// Parses the start line. Returns null and a message on success; a failure result (and possibly a
    /// message, so that a request can still be answered once its headers are read) otherwise.
    /// </summary>
    private static SipParseResult? ParseStartLine(ReadOnlySpan<byte> line, out SipMessage? message)
    {
        message = null;
        if (line.Length >= 4 && Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8))
        {
            return ParseStatusLine(line, out message);
        }

        // Request-Line = Method SP Request-URI SP SIP-Version CRLF: exactly single spaces (RFC 3261 §25.1).
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0 || !IsTokenBytes(line[..sp1]))
        {
            return SipParseResult.Fail(0, "Invalid request line");
        }
        var method = InternMethod(line[..sp1]);
        var sp2 = line.LastIndexOf((byte)' ');
        if (sp2 == sp1)
        {
            message = new SipRequest(method, PlaceholderUri.Clone()) { SipVersion = "", RawRequestUri = Encoding.UTF8.GetString(line[(sp1 + 1)..]) };
            return SipParseResult.Fail(400, "Request-Line without SIP-Version");
        }
        var uriBytes = line[(sp1 + 1)..sp2];
        var versionBytes = line[(sp2 + 1)..];
        var rawUri = Encoding.UTF8.GetString(uriBytes);
        var version = versionBytes.SequenceEqual("SIP/2.0"u8) ? SipMessage.Version : Encoding.ASCII.GetString(versionBytes);
        var uriOk = SipUri.TryParse(rawUri, out var uri);
        message = new SipRequest(method, uri ?? PlaceholderUri.Clone())
        {
            SipVersion = version,
            RawRequestUri = rawUri,
        };

        // RFC 4475 §3.1.2.8-10 (lwsruri, lwsstart, trws): extra SP anywhere makes the line malformed.
        if (uriBytes.IsEmpty || uriBytes.IndexOfAny(" \t"u8) >= 0)
        {
            return SipParseResult.Fail(400, "Malformed Request-Line (extra white space)");
        }
        if (!IsSipVersion(versionBytes))
        {
            return SipParseResult.Fail(400, "Invalid SIP-Version");
        }
        if (!Ascii.EqualsIgnoreCase(versionBytes, "SIP/2.0"u8))
        {
            // RFC 3261 §8.2.2 / RFC 4475 §3.1.2.16 badvers.
            return SipParseResult.Fail(505, "Version Not Supported");
        }
        return uriOk ? null : SipParseResult.Fail(400, "Invalid Request-URI");
    }

    private static string InternMethod(ReadOnlySpan<byte> token)
    {
        // Methods are ASCII tokens; known ones map to their constants without a new string.
        Span<char> chars = token.Length <= 64 ? stackalloc char[token.Length] : new char[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            chars[i] = (char)token[i];
        }
        return SipMethods.Intern(chars);
    }

    private static SipParseResult? ParseStatusLine(ReadOnlySpan<byte> line, out SipMessage? message)
    {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase. A bad response is dropped, never answered.
        message = null;
        var sp = line.IndexOf((byte)' ');
        if (sp < 0 || !Ascii.EqualsIgnoreCase(line[..sp], "SIP/2.0"u8))
        {
            return SipParseResult.Fail(0, "Unsupported version or malformed status line");
        }
        var rest = line[(sp + 1)..];
        if (rest.Length < 3 || !char.IsAsciiDigit((char)rest[0]) || !char.IsAsciiDigit((char)rest[1]) || !char.IsAsciiDigit((char)rest[2])
            || (rest.Length > 3 && rest[3] != ' '))
        {
            // RFC 4475 §3.1.2.19 bigcode: a status code must be exactly three digits.
            return SipParseResult.Fail(0, "Invalid status code");
        }
        var code = ((rest[0] - '0') * 100) + ((rest[1] - '0') * 10) + (rest[2] - '0');
        if (code is < 100 or > 699)
        {
            return SipParseResult.Fail(0, "Status code out of range");
        }
        var reason = rest.Length > 4 ? Encoding.UTF8.GetString(rest[4..]) : "";
        message = new SipResponse(code, reason) { SipVersion = SipMessage.Version };
        return null;
    }

    private static bool IsSipVersion(ReadOnlySpan<byte> v)
    {
        // "SIP" "/" 1*DIGIT "." 1*DIGIT
        if (v.Length < 7 || !Ascii.EqualsIgnoreCase(v[..4], "SIP/"u8))
        {
            return false;
        }
        var digits = v[4..];
        var dot = digits.IndexOf((byte)'.');
        return dot > 0 && dot < digits.Length - 1
            && digits[..dot].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
            && digits[(dot + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
    }
}
