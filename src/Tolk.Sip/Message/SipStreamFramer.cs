using System.Buffers;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>What <see cref="SipStreamFramer.TryRead"/> found at the front of a stream buffer.</summary>
public enum SipFrameKind
{
    /// <summary>Not enough bytes yet.</summary>
    NeedMoreData,

    /// <summary>A whole message (head and Content-Length bytes of body).</summary>
    Message,

    /// <summary>A CRLFCRLF keep-alive ping (RFC 5626 §3.5.1): answer with a single CRLF pong.</summary>
    KeepAlivePing,

    /// <summary>A lone CRLF (a pong, or stray line ending): nothing to do.</summary>
    KeepAlivePong,

    /// <summary>The stream cannot be framed any further (no or bad Content-Length, too large): close it.</summary>
    Error,
}

/// <summary>
/// Cuts SIP messages out of a TCP/TLS byte stream by Content-Length (RFC 3261 §18.3) and recognises
/// RFC 5626 CRLF keep-alives. A framing error leaves no way to find the next message, so the caller
/// answers (when it can) and closes the connection.
/// </summary>
public static class SipStreamFramer
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> HeadTerminator => "\r\n\r\n"u8;

    public static SipFrameKind TryRead(
        ref ReadOnlySequence<byte> buffer,
        SipParserLimits limits,
        out ReadOnlySequence<byte> frame,
        out int errorStatus)
    {
        frame = default;
        errorStatus = 0;
        var reader = new SequenceReader<byte>(buffer);

        if (reader.IsNext(HeadTerminator))
        {
            buffer = buffer.Slice(4);
            return SipFrameKind.KeepAlivePing;
        }
        if (reader.IsNext(Crlf))
        {
            if (reader.Remaining < 4)
            {
                // "\r\n" alone, or "\r\n\r": wait to tell a ping from a pong.
                if (reader.Remaining == 2 || (reader.Remaining == 3 && IsByteAt(buffer, 2, (byte)'\r')))
                {
                    return SipFrameKind.NeedMoreData;
                }
            }
            buffer = buffer.Slice(2);
            return SipFrameKind.KeepAlivePong;
        }

        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadTerminator, advancePastDelimiter: true))
        {
            if (buffer.Length > limits.MaxHeadBytes)
            {
                errorStatus = 513;
                return SipFrameKind.Error;
            }
            return SipFrameKind.NeedMoreData;
        }
        if (head.Length > limits.MaxHeadBytes)
        {
            errorStatus = 513;
            return SipFrameKind.Error;
        }

        var contentLength = FindContentLength(head);
        if (contentLength < 0)
        {
            errorStatus = 400;
            return SipFrameKind.Error;
        }
        var total = head.Length + 4 + contentLength;
        if (total > limits.MaxMessageBytes)
        {
            errorStatus = 513;
            return SipFrameKind.Error;
        }
        if (buffer.Length < total)
        {
            return SipFrameKind.NeedMoreData;
        }
        frame = buffer.Slice(0, total);
        buffer = buffer.Slice(total);
        return SipFrameKind.Message;
    }

    private static bool IsByteAt(ReadOnlySequence<byte> buffer, long index, byte value)
    {
        var r = new SequenceReader<byte>(buffer);
        r.Advance(index);
        return r.TryPeek(out var b) && b == value;
    }

    /// <summary>
    /// Value of the Content-Length (or compact "l") header in a head; -1 if absent, invalid or given
    /// twice with different values. Works on the bytes: no strings are made for a framing decision.
    /// </summary>
    internal static long FindContentLength(ReadOnlySequence<byte> head)
    {
        if (head.IsSingleSegment)
        {
            return FindContentLength(head.FirstSpan);
        }
        var copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
        try
        {
            head.CopyTo(copy);
            return FindContentLength(copy.AsSpan(0, (int)head.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    internal static long FindContentLength(ReadOnlySpan<byte> head)
    {
        var result = -1L;
        var first = true;
        while (!head.IsEmpty)
        {
            var nl = head.IndexOf((byte)'\n');
            var line = nl < 0 ? head : head[..nl];
            head = nl < 0 ? default : head[(nl + 1)..];
            if (first)
            {
                first = false;
                continue;
            }
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t')
            {
                continue;
            }
            var name = line[..colon].TrimEnd(" \t"u8);
            if (!Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !Ascii.EqualsIgnoreCase(name, "l"u8))
            {
                continue;
            }
            var value = line[(colon + 1)..].Trim(" \t\r"u8);
            if (value.IsEmpty || value.Length > 18 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                return -1;
            }
            long n = 0;
            foreach (var b in value)
            {
                n = (n * 10) + (b - '0');
            }
            if (result >= 0 && result != n)
            {
                return -1;
            }
            result = n;
        }
        return result;
    }
}
