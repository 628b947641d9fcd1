using System.Globalization;

namespace Tolk.Sip.Sdp;

/// <summary>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock rate&gt;[/&lt;channels&gt;] (RFC 4566 §6).</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
{
    /// <summary>Channels, defaulting to 1 when not written.</summary>
    public int ChannelCount => Channels ?? 1;

    /// <summary>Parses the attribute value (after "rtpmap:").</summary>
    public static bool TryParse(string? value, out SdpRtpMap? rtpMap)
    {
        rtpMap = null;
        if (value is null)
        {
            return false;
        }
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpText.TryParsePayloadType(value.AsSpan(0, space), out var pt))
        {
            return false;
        }
        var parts = value[(space + 1)..].Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
        {
            return false;
        }
        int? channels = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ch) || ch <= 0)
            {
                return false;
            }
            channels = ch;
        }
        rtpMap = new SdpRtpMap(pt, parts[0], rate, channels);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Channels is { } ch
        ? string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}/{ch}")
        : string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}");
}

/// <summary>a=fmtp:&lt;format&gt; &lt;parameters&gt; (RFC 4566 §6); parameters are kept as written.</summary>
public sealed record SdpFmtp(string Format, string Parameters)
{
    /// <summary>Parses the attribute value (after "fmtp:").</summary>
    public static bool TryParse(string? value, out SdpFmtp? fmtp)
    {
        fmtp = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var format = space < 0 ? value : value[..space];
        if (format.Length == 0 || !SdpText.IsToken(format))
        {
            return false;
        }
        fmtp = new SdpFmtp(format, space < 0 ? string.Empty : value[(space + 1)..].Trim());
        return true;
    }

    /// <summary>The "key=value" pairs of a ";"-separated parameter list (e.g. Opus' useinbandfec=1).</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in Parameters.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            d[eq < 0 ? part : part[..eq]] = eq < 0 ? string.Empty : part[(eq + 1)..];
        }
        return d;
    }

    /// <inheritdoc/>
    public override string ToString() => Parameters.Length == 0 ? Format : $"{Format} {Parameters}";
}

/// <summary>a=rtcp:&lt;port&gt; [IN IP4 &lt;address&gt;] (RFC 3605).</summary>
public sealed record SdpRtcp(int Port, SdpConnection? Connection = null)
{
    /// <summary>Parses the attribute value (after "rtcp:").</summary>
    public static bool TryParse(string? value, out SdpRtcp? rtcp)
    {
        rtcp = null;
        if (value is null)
        {
            return false;
        }
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (1 or 4) || !SdpText.TryParsePort(parts[0], out var port))
        {
            return false;
        }
        SdpConnection? c = null;
        if (parts.Length == 4)
        {
            if (!SdpText.TryParseConnection($"{parts[1]} {parts[2]} {parts[3]}", out c, out _))
            {
                return false;
            }
        }
        rtcp = new SdpRtcp(port, c);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Connection is null
        ? Port.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Port} {Connection}");
}
