using System.Globalization;
using System.Text;

namespace Tolk.Sip.Sdp;

/// <summary>
/// An SDP session description (RFC 4566). Parse with <see cref="TryParse"/>, serialise with
/// <see cref="ToString"/> (CRLF line ends). Lines this model does not interpret are kept and written back.
/// </summary>
public sealed partial class SdpSessionDescription
{
    /// <summary>v= (always 0).</summary>
    public int Version { get; set; }

    /// <summary>o= line.</summary>
    public SdpOrigin Origin { get; set; } = new("-", 0, 0, "IN", "IP4", "0.0.0.0");

    /// <summary>s= (a single space or "-" when there is nothing to say).</summary>
    public string SessionName { get; set; } = "-";

    /// <summary>Session-level c= line, or null when every m= has its own.</summary>
    public SdpConnection? Connection { get; set; }

    /// <summary>Session-level b= lines.</summary>
    public List<SdpBandwidth> Bandwidths { get; } = [];

    /// <summary>t= lines; written as "t=0 0" when empty.</summary>
    public List<SdpTiming> Timings { get; } = [];

    /// <summary>Session-level a= lines, in order.</summary>
    public List<SdpAttribute> Attributes { get; } = [];

    /// <summary>Media descriptions, in order (their index is what RFC 3264 pairs offer and answer by).</summary>
    public List<SdpMediaDescription> Media { get; } = [];

    /// <summary>Other session-level lines (i=, u=, e=, p=, r=, z=, k=, unknown types), kept verbatim.</summary>
    public List<SdpLine> OtherLines { get; } = [];

    /// <summary>The session-level direction attribute, or null (RFC 3264 §5.1: media level overrides).</summary>
    public SdpDirection? Direction =>
        Attributes.Select(a => a.Value is null ? SdpDirections.FromAttributeName(a.Name) : null).FirstOrDefault(d => d is not null);

    /// <summary>The connection that applies to <paramref name="media"/>: its own c= or the session's.</summary>
    public SdpConnection? ConnectionFor(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Connections.Count > 0 ? media.Connections[0] : Connection;
    }

    /// <summary>The direction that applies to <paramref name="media"/>: media level, else session level, else sendrecv.</summary>
    public SdpDirection DirectionFor(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Direction ?? Direction ?? SdpDirection.SendRecv;
    }

    /// <summary>Serialises with CRLF line ends, in the order RFC 4566 §5 requires.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(512);
        sb.Append("v=").Append(Version.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("o=").Append(Origin).Append("\r\n");
        sb.Append("s=").Append(SessionName).Append("\r\n");
        AppendOther(sb, "iuep");
        if (Connection is not null)
        {
            sb.Append("c=").Append(Connection).Append("\r\n");
        }
        foreach (var b in Bandwidths)
        {
            sb.Append("b=").Append(b).Append("\r\n");
        }
        if (Timings.Count == 0)
        {
            sb.Append("t=0 0\r\n");
        }
        foreach (var t in Timings)
        {
            sb.Append("t=").Append(t).Append("\r\n");
        }
        AppendOther(sb, "rzk");
        foreach (var l in OtherLines.Where(l => !"iueprzk".Contains(l.Type, StringComparison.Ordinal)))
        {
            sb.Append(l).Append("\r\n");
        }
        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a).Append("\r\n");
        }
        foreach (var m in Media)
        {
            m.AppendTo(sb);
        }
        return sb.ToString();
    }

    private void AppendOther(StringBuilder sb, string types)
    {
        foreach (var type in types)
        {
            foreach (var l in OtherLines.Where(l => l.Type == type))
            {
                sb.Append(l).Append("\r\n");
            }
        }
    }
}
