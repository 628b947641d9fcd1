using System.Globalization;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>A SIP request or response: start line, ordered headers and an opaque body (RFC 3261 §7).</summary>
public abstract class SipMessage
{
    public const string Version = "SIP/2.0";

    public SipHeaderCollection Headers { get; } = new();

    /// <summary>The message body, passed through byte for byte.</summary>
    public ReadOnlyMemory<byte> Body { get; set; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>The protocol version of the start line as received (normally "SIP/2.0").</summary>
    public string SipVersion { get; init; } = Version;

    public string? CallId => Headers[SipHeaderNames.CallId];

    public SipCSeq? CSeq => SipCSeq.TryParse(Headers[SipHeaderNames.CSeq], out var c) ? c : null;

    public SipNameAddress? From => SipNameAddress.TryParse(Headers[SipHeaderNames.From], out var a) ? a : null;

    public SipNameAddress? To => SipNameAddress.TryParse(Headers[SipHeaderNames.To], out var a) ? a : null;

    public SipVia? TopVia => SipVia.TryParse(Headers.GetFirstValue(SipHeaderNames.Via), out var v) ? v : null;

    /// <summary>All Via values, top first; a value that does not parse is skipped.</summary>
    public IReadOnlyList<SipVia> Vias => ParseAll<SipVia>(SipHeaderNames.Via, SipVia.TryParse);

    public IReadOnlyList<SipNameAddress> Contacts => ParseAll<SipNameAddress>(SipHeaderNames.Contact, SipNameAddress.TryParse);

    public IReadOnlyList<SipNameAddress> RecordRoutes => ParseAll<SipNameAddress>(SipHeaderNames.RecordRoute, SipNameAddress.TryParse);

    public IReadOnlyList<SipNameAddress> Routes => ParseAll<SipNameAddress>(SipHeaderNames.Route, SipNameAddress.TryParse);

    public int? MaxForwards => ParseInt(Headers[SipHeaderNames.MaxForwards]);

    public int? Expires => ParseInt(Headers[SipHeaderNames.Expires]);

    public string? ContentType => Headers[SipHeaderNames.ContentType];

    /// <summary>Option tags of a list header such as Require, Supported or Unsupported.</summary>
    public IReadOnlyList<string> OptionTags(string headerName) => new List<string>(Headers.GetValues(headerName));

    public bool HasOptionTag(string headerName, string tag)
    {
        foreach (var t in Headers.GetValues(headerName))
        {
            if (string.Equals(t, tag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private delegate bool TryParser<T>(string? text, out T? value);

    private List<T> ParseAll<T>(string name, TryParser<T> parse)
        where T : class
    {
        var list = new List<T>();
        foreach (var v in Headers.GetValues(name))
        {
            if (parse(v, out var parsed) && parsed is not null)
            {
                list.Add(parsed);
            }
        }
        return list;
    }

    private static int? ParseInt(string? s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Writes the start line without CRLF.</summary>
    protected abstract void AppendStartLine(StringBuilder sb);

    /// <summary>
    /// Serialises the message. Content-Length is always written from the actual body, replacing any
    /// received value, so that what goes on the wire is self-consistent.
    /// </summary>
    public byte[] ToBytes()
    {
        var head = Encoding.UTF8.GetBytes(HeadToString());
        var bytes = new byte[head.Length + Body.Length];
        head.CopyTo(bytes, 0);
        Body.Span.CopyTo(bytes.AsSpan(head.Length));
        return bytes;
    }

    private string HeadToString()
    {
        var sb = new StringBuilder(512);
        AppendStartLine(sb);
        sb.Append("\r\n");
        foreach (var h in Headers)
        {
            if (h.Name == SipHeaderNames.ContentLength)
            {
                continue;
            }
            sb.Append(h.Name).Append(": ").Append(h.Value).Append("\r\n");
        }
        sb.Append(SipHeaderNames.ContentLength).Append(": ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        return sb.ToString();
    }

    public override string ToString() => HeadToString() + Encoding.UTF8.GetString(Body.Span);
}
