using System.Globalization;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>
/// Parses one SIP message from a datagram or from a frame cut by <see cref="SipStreamFramer"/>
/// (RFC 3261 §7, §25). Never throws on bad input and runs in time linear in the input: every failure
/// becomes a result with the status a server should answer (400, 505, 513…), with the partly parsed
/// message when its headers could be read (so that the answer can be built), or status 0 with no
/// message when the bytes must be dropped silently.
/// </summary>
public static partial class SipParser
{
    public static SipParseResult Parse(ReadOnlySpan<byte> data, SipParserLimits? limits = null, bool isStream = false)
    {
        limits ??= SipParserLimits.Default;
        try
        {
            return ParseCore(data, limits, isStream);
        }
        catch (Exception ex) when (ex is DecoderFallbackException or FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            // Defence in depth: a parser bug must cost one message, never the receive loop.
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
        var unterminated = headEnd < 0;
        if (unterminated)
        {
            if (isStream || data.Length > limits.MaxHeadBytes)
            {
                return data.Length > limits.MaxHeadBytes
                    ? SipParseResult.Fail(513, "Message Too Large")
                    : SipParseResult.Fail(400, "Missing end of headers");
            }

            // A datagram without the empty line (RFC 4475 §3.1.2.15 baddn): read what is there as the
            // head so that the 400 can still be addressed to the sender's Via.
            headEnd = data.Length;
            while (headEnd > 0 && (data[headEnd - 1] == '\r' || data[headEnd - 1] == '\n'))
            {
                headEnd--;
            }
            separatorLength = data.Length - headEnd;
        }
        if (headEnd > limits.MaxHeadBytes)
        {
            return SipParseResult.Fail(513, "Message Too Large");
        }

        var head = data[..headEnd];
        if (!System.Text.Unicode.Utf8.IsValid(head))
        {
            // RFC 3261 §7.3.1: header text is UTF-8; anything else cannot be represented faithfully.
            return SipParseResult.Fail(400, "Header section is not valid UTF-8");
        }

        var firstNl = head.IndexOf((byte)'\n');
        var startLine = firstNl < 0 ? head : head[..firstNl];
        if (!startLine.IsEmpty && startLine[^1] == '\r')
        {
            startLine = startLine[..^1];
        }
        var startError = ParseStartLine(startLine, out var message);
        if (message is null)
        {
            return startError ?? SipParseResult.Fail(0, "Unparseable start line");
        }

        var headerError = ParseHeaders(firstNl < 0 ? default : head[(firstNl + 1)..], message, limits);
        if (headerError is not null)
        {
            return headerError;
        }
        if (startError is not null)
        {
            return startError with { Message = message };
        }
        if (unterminated)
        {
            return SipParseResult.Fail(400, "Missing empty line after the headers", message);
        }

        var bodyBytes = data[(headEnd + separatorLength)..];
        return ReadBody(message, bodyBytes, headEnd + separatorLength, limits, isStream);
    }

    private static SipParseResult ReadBody(SipMessage message, ReadOnlySpan<byte> bodyBytes, int headLength, SipParserLimits limits, bool isStream)
    {
        // Content-Length decides; over streams it is mandatory (RFC 3261 §18.3, §20.14).
        string? contentLength = null;
        foreach (var h in message.Headers)
        {
            if (!ReferenceEquals(h.Name, SipHeaderNames.ContentLength))
            {
                continue;
            }
            if (contentLength is not null && !string.Equals(contentLength, h.Value, StringComparison.Ordinal))
            {
                // RFC 4475 §3.3.9 mcl01: conflicting lengths leave no way to find the body.
                return SipParseResult.Fail(400, "Conflicting Content-Length", message);
            }
            contentLength = h.Value;
        }

        if (contentLength is not null)
        {
            if (!long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                // RFC 4475 §3.1.2.3 ncl: a negative or non-numeric length is a 400.
                return SipParseResult.Fail(400, "Invalid Content-Length", message);
            }
            if (length > limits.MaxMessageBytes || headLength + length > limits.MaxMessageBytes)
            {
                return SipParseResult.Fail(513, "Message Too Large", message);
            }
            if (length > bodyBytes.Length)
            {
                // RFC 4475 §3.1.2.2 clerr: a datagram shorter than its Content-Length is answered 400.
                return SipParseResult.Fail(400, "Content-Length larger than the message body", message);
            }

            // RFC 3261 §18.3: octets beyond Content-Length in a datagram are discarded (RFC 4475 dblreq).
            message.Body = length == 0 ? ReadOnlyMemory<byte>.Empty : bodyBytes[..(int)length].ToArray();
            return SipParseResult.Success(message);
        }

        if (isStream)
        {
            return SipParseResult.Fail(400, "Missing Content-Length", message);
        }
        if (headLength + bodyBytes.Length > limits.MaxMessageBytes)
        {
            return SipParseResult.Fail(513, "Message Too Large", message);
        }
        message.Body = bodyBytes.IsEmpty ? ReadOnlyMemory<byte>.Empty : bodyBytes.ToArray();
        return SipParseResult.Success(message);
    }

    /// <summary>Index of the empty line that ends the headers; accepts CRLFCRLF and, leniently, LFLF.</summary>
    internal static int FindHeadEnd(ReadOnlySpan<byte> data, out int separatorLength)
    {
        var crlf = data.IndexOf("\r\n\r\n"u8);
        var searchLimit = crlf < 0 ? data.Length : crlf;
        var lf = data[..Math.Min(data.Length, searchLimit + 2)].IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            separatorLength = 4;
            return crlf;
        }
        separatorLength = 2;
        return lf;
    }
}
