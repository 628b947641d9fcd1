using System.Globalization;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>
/// Parses one SIP message from a datagram or from a frame cut by <see cref="SipStreamFramer"/>
/// (RFC 3261 §7, §25). Never throws on bad input: every failure becomes a result with the status a
/// server should answer (400, 413, 505, 513…), or status 0 with no message when it must be dropped.
/// </summary>
public static class SipParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static SipParseResult Parse(ReadOnlySpan<byte> data, SipParserLimits? limits = null, bool isStream = false)
    {
        limits ??= SipParserLimits.Default;
        try
        {
            return ParseCore(data, limits, isStream);
        }
        catch (Exception ex) when (ex is DecoderFallbackException or FormatException or ArgumentException or OverflowException)
        {
            return SipParseResult.Fail(400, "Malformed message");
        }
    }

    private static SipParseResult ParseCore(ReadOnlySpan<byte> data, SipParserLimits limits, bool isStream)
    {
        // RFC 3261 §7.5: CRLFs before the start line are ignored (they are also keep-alives).
        var skip = 0;
        while (skip < data.Length && (data[skip] == '\r' || data[skip] == '\n'))
        {
            skip++;
        }
        data = data[skip..];
        if (data.IsEmpty)
        {
            return SipParseResult.Fail(0, "Empty");
        }

        var headEnd = FindHeadEnd(data, out var separatorLength);
        if (headEnd < 0)
        {
            return data.Length > limits.MaxHeadBytes
                ? SipParseResult.Fail(513, "Message Too Large")
                : SipParseResult.Fail(400, "Missing end of headers");
        }
        if (headEnd > limits.MaxHeadBytes)
        {
            return SipParseResult.Fail(513, "Message Too Large");
        }

        var head = StrictUtf8.GetString(data[..headEnd]);
        var bodyBytes = data[(headEnd + separatorLength)..];
        var lines = UnfoldLines(head);
        if (lines.Count == 0)
        {
            return SipParseResult.Fail(0, "Empty");
        }

        var startLineResult = ParseStartLine(lines[0], out var message);
        if (message is null)
        {
            return startLineResult ?? SipParseResult.Fail(0, "Unparseable start line");
        }

        if (lines.Count - 1 > limits.MaxHeaderCount)
        {
            return SipParseResult.Fail(513, "Too many headers", message);
        }

        string? headerError = null;
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i].AsSpan();
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                headerError ??= "Header line without a colon";
                continue;
            }
            var name = line[..colon].TrimEnd(" \t");
            if (!SipGrammar.IsToken(name))
            {
                headerError ??= "Invalid header name";
                continue;
            }
            var value = line[(colon + 1)..].Trim(" \t");
            message.Headers.AddCanonical(SipHeaderNames.Canonicalize(name), value.ToString());
        }

        if (startLineResult is not null)
        {
            return startLineResult with { Message = message };
        }
        if (headerError is not null)
        {
            return SipParseResult.Fail(400, headerError, message);
        }

        // Body: Content-Length decides; over streams it is mandatory (RFC 3261 §18.3).
        var contentLengths = message.Headers.GetValues(SipHeaderNames.ContentLength).ToList();
        if (contentLengths.Count > 1 && contentLengths.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            return SipParseResult.Fail(400, "Conflicting Content-Length", message);
        }
        if (contentLengths.Count > 0)
        {
            if (!int.TryParse(contentLengths[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return SipParseResult.Fail(400, "Invalid Content-Length", message);
            }
            if (length > limits.MaxMessageBytes)
            {
                return SipParseResult.Fail(513, "Message Too Large", message);
            }
            if (length > bodyBytes.Length)
            {
                // RFC 4475 §3.1.2.7: a datagram shorter than its Content-Length is answered 400.
                return SipParseResult.Fail(400, "Content-Length larger than the message body", message);
            }

            // RFC 3261 §18.3: octets beyond Content-Length in a datagram are discarded.
            message.Body = bodyBytes[..length].ToArray();
        }
        else
        {
            if (isStream)
            {
                return SipParseResult.Fail(400, "Missing Content-Length", message);
            }
            message.Body = bodyBytes.ToArray();
        }

        if (headEnd + separatorLength + message.Body.Length > limits.MaxMessageBytes)
        {
            return SipParseResult.Fail(513, "Message Too Large", message);
        }
        return SipParseResult.Success(message);
    }

    /// <summary>Index of the empty line that ends the headers; accepts CRLFCRLF and, leniently, LFLF.</summary>
    internal static int FindHeadEnd(ReadOnlySpan<byte> data, out int separatorLength)
    {
        var crlf = data.IndexOf("\r\n\r\n"u8);
        var lf = data.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            separatorLength = 4;
            return crlf;
        }
        separatorLength = 2;
        return lf;
    }

    /// <summary>Splits the head into lines and joins folded continuation lines (RFC 3261 §7.3.1).</summary>
    private static List<string> UnfoldLines(string head)
    {
        var lines = new List<string>(16);
        var start = 0;
        while (start <= head.Length)
        {
            var nl = head.IndexOf('\n', start);
            var end = nl < 0 ? head.Length : nl;
            var lineEnd = end > start && head[end - 1] == '\r' ? end - 1 : end;
            var line = head[start..lineEnd];
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && lines.Count > 1)
            {
                lines[^1] = lines[^1].TrimEnd(' ', '\t') + " " + line.TrimStart(' ', '\t');
            }
            else if (line.Length > 0 || lines.Count == 0)
            {
                lines.Add(line);
            }
            if (nl < 0)
            {
                break;
            }
            start = nl + 1;
        }
        return lines;
    }

    /// <summary>
    /// Parses the start line. Returns null and a message on success; a failure result (and possibly a
    /// message, so that a request can be answered) otherwise.
    /// </summary>
    private static SipParseResult? ParseStartLine(string line, out SipMessage? message)
    {
        message = null;
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
            var parts = line.Split(' ', 3);
            if (parts.Length < 2 || parts[1].Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 699)
            {
                return SipParseResult.Fail(0, "Invalid status line");
            }
            if (!string.Equals(parts[0], SipMessage.Version, StringComparison.OrdinalIgnoreCase))
            {
                return SipParseResult.Fail(0, "Unsupported version in response");
            }
            message = new SipResponse(code, parts.Length > 2 ? parts[2] : "") { SipVersion = SipMessage.Version };
            return null;
        }

        // Request-Line = Method SP Request-URI SP SIP-Version CRLF: exactly single spaces (RFC 3261 §25.1).
        var tokens = line.Split(' ');
        if (tokens.Length != 3 || !SipGrammar.IsToken(tokens[0]))
        {
            return SipParseResult.Fail(0, "Invalid request line");
        }
        var method = SipMethods.Intern(tokens[0]);
        var version = tokens[2];
        var uriOk = SipUri.TryParse(tokens[1], out var uri);
        message = new SipRequest(method, uri ?? new SipUri("sip", null, "invalid"))
        {
            SipVersion = version,
            RawRequestUri = tokens[1],
        };
        if (!IsSipVersion(version))
        {
            return SipParseResult.Fail(400, "Invalid SIP version");
        }
        if (!string.Equals(version, SipMessage.Version, StringComparison.OrdinalIgnoreCase))
        {
            return SipParseResult.Fail(505, "Version Not Supported");
        }
        if (!uriOk)
        {
            return SipParseResult.Fail(400, "Invalid Request-URI");
        }
        return null;
    }

    private static bool IsSipVersion(string v)
    {
        // "SIP" "/" 1*DIGIT "." 1*DIGIT
        if (!v.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var dot = v.IndexOf('.', 4);
        return dot > 4 && dot < v.Length - 1
            && v.AsSpan(4, dot - 4).IndexOfAnyExceptInRange('0', '9') < 0
            && v.AsSpan(dot + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }
}
