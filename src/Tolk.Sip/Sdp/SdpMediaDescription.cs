using System.Globalization;
using System.Text;

namespace Tolk.Sip.Sdp;

/// <summary>One m= section with its media-level lines (RFC 4566 §5.14).</summary>
public sealed class SdpMediaDescription
{
    /// <summary>"audio", "video", "image", "application", …</summary>
    public string Media { get; set; } = "audio";

    /// <summary>Transport port; 0 rejects or disables the stream (RFC 3264 §5.1, §6).</summary>
    public int Port { get; set; }

    /// <summary>The "/&lt;number of ports&gt;" count, or null when not written.</summary>
    public int? PortCount { get; set; }

    /// <summary>Transport protocol: RTP/AVP, RTP/SAVP, RTP/AVPF, RTP/SAVPF, UDP/TLS/RTP/SAVP, udptl, …</summary>
    public string Protocol { get; set; } = "RTP/AVP";

    /// <summary>Media formats (RTP payload type numbers for RTP protocols), in preference order.</summary>
    public List<string> Formats { get; } = [];

    /// <summary>Media-level c= lines (usually zero or one).</summary>
    public List<SdpConnection> Connections { get; } = [];

    /// <summary>Media-level b= lines.</summary>
    public List<SdpBandwidth> Bandwidths { get; } = [];

    /// <summary>Media-level a= lines, in order.</summary>
    public List<SdpAttribute> Attributes { get; } = [];

    /// <summary>Other media-level lines (i=, k=, unknown), kept verbatim.</summary>
    public List<SdpLine> OtherLines { get; } = [];

    /// <summary>True when the protocol is an RTP profile.</summary>
    public bool IsRtp => Protocol.Contains("RTP/", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for the secure RTP profiles (RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP[F]).</summary>
    public bool IsSecureProfile => Protocol.Contains("/SAVP", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the profile needs DTLS-SRTP (UDP/TLS/RTP/…, RFC 5764).</summary>
    public bool IsDtlsProfile => Protocol.StartsWith("UDP/TLS/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first value of attribute <paramref name="name"/> (case-sensitive per RFC 4566 §5.13), or null.</summary>
    public string? GetAttribute(string name) => Attributes.FirstOrDefault(a => a.Name == name)?.Value;

    /// <summary>True when a property or value attribute named <paramref name="name"/> is present.</summary>
    public bool HasAttribute(string name) => Attributes.Exists(a => a.Name == name);

    /// <summary>Adds an attribute line.</summary>
    public SdpMediaDescription AddAttribute(string name, string? value = null)
    {
        Attributes.Add(new SdpAttribute(name, value));
        return this;
    }

    /// <summary>The a=rtpmap lines that parse.</summary>
    public IEnumerable<SdpRtpMap> RtpMaps =>
        Attributes.Where(a => a.Name == "rtpmap")
            .Select(a => SdpRtpMap.TryParse(a.Value, out var m) ? m : null)
            .OfType<SdpRtpMap>();

    /// <summary>The a=rtpmap for payload type <paramref name="payloadType"/>, or null.</summary>
    public SdpRtpMap? GetRtpMap(int payloadType) => RtpMaps.FirstOrDefault(m => m.PayloadType == payloadType);

    /// <summary>The a=fmtp parameters for <paramref name="format"/>, or null.</summary>
    public string? GetFmtp(string format) =>
        Attributes.Where(a => a.Name == "fmtp")
            .Select(a => SdpFmtp.TryParse(a.Value, out var f) ? f : null)
            .FirstOrDefault(f => f is not null && f.Format == format)?.Parameters;

    /// <summary>a=ptime in milliseconds, or null.</summary>
    public int? Ptime => ParseMilliseconds(GetAttribute("ptime"));

    /// <summary>a=maxptime in milliseconds, or null.</summary>
    public int? MaxPtime => ParseMilliseconds(GetAttribute("maxptime"));

    /// <summary>The media-level direction attribute, or null when none is given.</summary>
    public SdpDirection? Direction =>
        Attributes.Select(a => a.Value is null ? SdpDirections.FromAttributeName(a.Name) : null).FirstOrDefault(d => d is not null);

    /// <summary>a=rtcp (RFC 3605), or null.</summary>
    public SdpRtcp? Rtcp => SdpRtcp.TryParse(GetAttribute("rtcp"), out var r) ? r : null;

    /// <summary>a=rtcp-mux (RFC 5761).</summary>
    public bool RtcpMux => HasAttribute("rtcp-mux");

    /// <summary>The a=crypto lines that parse, in the offerer's preference order (RFC 4568 §6).</summary>
    public IReadOnlyList<SdpCrypto> Cryptos =>
        Attributes.Where(a => a.Name == "crypto")
            .Select(a => SdpCrypto.TryParse(a.Value, out var c) ? c : null)
            .OfType<SdpCrypto>().ToList();

    private static int? ParseMilliseconds(string? value)
    {
        // Some phones write fractional ptime ("20.0"); round down to whole milliseconds.
        if (value is null || !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms)
            || ms <= 0 || ms > 10_000)
        {
            return null;
        }
        return (int)ms;
    }

    internal void AppendTo(StringBuilder sb)
    {
        sb.Append("m=").Append(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (PortCount is { } n)
        {
            sb.Append('/').Append(n.ToString(CultureInfo.InvariantCulture));
        }
        sb.Append(' ').Append(Protocol);
        foreach (var f in Formats)
        {
            sb.Append(' ').Append(f);
        }
        sb.Append("\r\n");
        // RFC 4566 §5 order within a media description: i c b k a.
        foreach (var l in OtherLines.Where(l => l.Type == 'i'))
        {
            sb.Append(l).Append("\r\n");
        }
        foreach (var c in Connections)
        {
            sb.Append("c=").Append(c).Append("\r\n");
        }
        foreach (var b in Bandwidths)
        {
            sb.Append("b=").Append(b).Append("\r\n");
        }
        foreach (var l in OtherLines.Where(l => l.Type != 'i'))
        {
            sb.Append(l).Append("\r\n");
        }
        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a).Append("\r\n");
        }
    }
}
