using System.Buffers;
using System.Text;

namespace Tolk.Sip.Message;

public static partial class SipParser
{
    /// <summary>
    /// Reads the header fields after the start line, straight from the bytes: one string per field
    /// value, names mapped to interned canonical spellings without allocating (compact forms too).
    /// Folded lines (RFC 3261 §7.3.1) are joined with a single SP.
    /// </summary>
    private static SipParseResult? ParseHeaders(ReadOnlySpan<byte> h, SipMessage message, SipParserLimits limits)
    {
        var pos = 0;
        var count = 0;
        string? error = null;
        while (pos < h.Length)
        {
            var nl = h[pos..].IndexOf((byte)'\n');
            var lineEnd = nl < 0 ? h.Length : pos + nl;
            var next = nl < 0 ? h.Length : lineEnd + 1;
            var folded = false;

            // Continuation lines start with SP or HT and belong to this field.
            while (next < h.Length && (h[next] == ' ' || h[next] == '\t'))
            {
                folded = true;
                var more = h[next..].IndexOf((byte)'\n');
                lineEnd = more < 0 ? h.Length : next + more;
                next = more < 0 ? h.Length : lineEnd + 1;
            }

            var field = h[pos..lineEnd];
            pos = next;
            if (!field.IsEmpty && field[^1] == '\r')
            {
                field = field[..^1];
            }
            if (field.IsEmpty)
            {
                continue;
            }
            if (++count > limits.MaxHeaderCount)
            {
                return SipParseResult.Fail(513, "Too many header fields", message);
            }
            if (field[0] is (byte)' ' or (byte)'\t')
            {
                error ??= "Continuation line without a header field";
                continue;
            }
            var colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                error ??= "Header line without a colon";
                continue;
            }

            // HCOLON = *( SP / HTAB ) ":" SWS
            var name = field[..colon].TrimEnd(" \t"u8);
            if (!IsTokenBytes(name))
            {
                error ??= "Invalid header name";
                continue;
            }
            var canonical = SipHeaderNames.Canonicalize(name);
            var raw = field[(colon + 1)..];
            var value = folded ? Unfold(raw) : Decode(raw.Trim(" \t\r\n"u8));
            message.Headers.AddCanonical(canonical, value);
        }
        return error is null ? null : SipParseResult.Fail(400, error, message);
    }

    private static string Decode(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "" : Encoding.UTF8.GetString(bytes);

    /// <summary>Replaces each CRLF + white space run with one SP and trims the result.</summary>
    private static string Unfold(ReadOnlySpan<byte> raw)
    {
        byte[]? rented = null;
        var buffer = raw.Length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            var n = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b is (byte)'\r' or (byte)'\n')
                {
                    while (n > 0 && buffer[n - 1] is (byte)' ' or (byte)'\t')
                    {
                        n--;
                    }
                    while (i + 1 < raw.Length && raw[i + 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                    {
                        i++;
                    }
                    buffer[n++] = (byte)' ';
                    continue;
                }
                buffer[n++] = b;
            }
            return Decode(buffer[..n].Trim(" \t"u8));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsTokenBytes(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var b in s)
        {
            if (b >= 0x80 || !SipGrammar.IsTokenChar((char)b))
            {
                return false;
            }
        }
        return true;
    }
}
