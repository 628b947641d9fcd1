using System.Globalization;

namespace Tolk.Sip.Sdp;

public sealed partial class SdpSessionDescription
{
    /// <summary>Upper bound on body size we are willing to parse (a SIP body is small; this stops abuse).</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>
    /// Parses an SDP body. Accepts LF or CRLF line ends, blank lines and unknown line types; rejects a
    /// missing or wrong v=/o=, malformed c=/m=/b=/t= lines and malformed rtpmap, fmtp, ptime, maxptime,
    /// rtcp and crypto attributes. Never throws: on failure <paramref name="error"/> names the line.
    /// </summary>
    public static bool TryParse(string? text, out SdpSessionDescription? description, out string? error)
    {
        description = null;
        try
        {
            return TryParseCore(text, out description, out error);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            // Defensive: every path above validates, but a parser facing the network must not throw.
            error = $"malformed SDP: {ex.Message}";
            description = null;
            return false;
        }
    }

    private static bool TryParseCore(string? text, out SdpSessionDescription? description, out string? error)
    {
        description = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty SDP";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = "SDP too large";
            return false;
        }
        var sdp = new SdpSessionDescription();
        SdpMediaDescription? media = null;
        var sawVersion = false;
        var sawOrigin = false;
        var sawName = false;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetter(line[0]))
            {
                error = $"line {lineNumber}: expected <type>=<value>";
                return false;
            }
            var type = line[0];
            var value = line[2..];
            if (!sawVersion)
            {
                if (type != 'v' || value.Trim() != "0")
                {
                    error = $"line {lineNumber}: SDP must start with v=0";
                    return false;
                }
                sawVersion = true;
                continue;
            }
            if (!ParseLine(sdp, ref media, type, value, ref sawOrigin, ref sawName, out var lineError))
            {
                error = $"line {lineNumber} ({type}=): {lineError}";
                return false;
            }
        }
        if (!sawOrigin)
        {
            error = "missing o= line";
            return false;
        }
        if (!sawName)
        {
            // RFC 4566 requires s=, but a missing one harms nothing we do: tolerate it.
            sdp.SessionName = "-";
        }
        description = sdp;
        return true;
    }

    private static bool ParseLine(SdpSessionDescription sdp, ref SdpMediaDescription? media, char type, string value,
        ref bool sawOrigin, ref bool sawName, out string? error)
    {
        error = null;
        switch (type)
        {
            case 'v':
                error = "duplicate v=";
                return false;
            case 'o' when media is null:
                if (sawOrigin)
                {
                    error = "duplicate o=";
                    return false;
                }
                if (!TryParseOrigin(value, out var origin, out error))
                {
                    return false;
                }
                sdp.Origin = origin!;
                sawOrigin = true;
                return true;
            case 's' when media is null:
                sdp.SessionName = value;
                sawName = true;
                return true;
            case 'c':
                if (!SdpText.TryParseConnection(value, out var connection, out error))
                {
                    return false;
                }
                if (media is null)
                {
                    sdp.Connection = connection;
                }
                else
                {
                    media.Connections.Add(connection!);
                }
                return true;
            case 'b':
                if (!TryParseBandwidth(value, out var bandwidth))
                {
                    error = "expected <type>:<number>";
                    return false;
                }
                (media?.Bandwidths ?? sdp.Bandwidths).Add(bandwidth!);
                return true;
            case 't' when media is null:
                var times = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (times.Length != 2
                    || !ulong.TryParse(times[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                    || !ulong.TryParse(times[1], NumberStyles.None, CultureInfo.InvariantCulture, out var stop))
                {
                    error = "expected <start> <stop>";
                    return false;
                }
                sdp.Timings.Add(new SdpTiming(start, stop));
                return true;
            case 'm':
                if (!TryParseMedia(value, out media, out error))
                {
                    return false;
                }
                sdp.Media.Add(media!);
                return true;
            case 'a':
                if (!TryParseAttribute(value, out var attribute, out error))
                {
                    return false;
                }
                (media?.Attributes ?? sdp.Attributes).Add(attribute!);
                return true;
            default:
                (media?.OtherLines ?? sdp.OtherLines).Add(new SdpLine(type, value));
                return true;
        }
    }

    private static bool TryParseOrigin(string value, out SdpOrigin? origin, out string? error)
    {
        origin = null;
        error = null;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 6)
        {
            error = "expected <username> <sess-id> <sess-version> <nettype> <addrtype> <address>";
            return false;
        }
        if (!ulong.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !ulong.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            error = "session id and version must be numbers";
            return false;
        }
        origin = new SdpOrigin(p[0], id, version, p[3], p[4], p[5]);
        return true;
    }

    private static bool TryParseBandwidth(string value, out SdpBandwidth? bandwidth)
    {
        bandwidth = null;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bw))
        {
            return false;
        }
        bandwidth = new SdpBandwidth(value[..colon], bw);
        return true;
    }

    private static bool TryParseMedia(string value, out SdpMediaDescription? media, out string? error)
    {
        media = null;
        error = null;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length < 3)
        {
            error = "expected <media> <port> <proto> <fmt> ...";
            return false;
        }
        var portText = p[1];
        int? count = null;
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!int.TryParse(portText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                error = "bad port count";
                return false;
            }
            count = n;
            portText = portText[..slash];
        }
        if (!SdpText.TryParsePort(portText, out var port))
        {
            error = $"bad port '{p[1]}'";
            return false;
        }
        if (!SdpText.IsToken(p[0]))
        {
            error = $"bad media type '{p[0]}'";
            return false;
        }
        // RFC 4566 requires one format; a rejected (port 0) line with none is tolerated.
        if (p.Length == 3 && port != 0)
        {
            error = "no media formats";
            return false;
        }
        media = new SdpMediaDescription { Media = p[0], Port = port, PortCount = count, Protocol = p[2] };
        media.Formats.AddRange(p[3..]);
        if (media.IsRtp && media.Formats.Any(f => !SdpText.TryParsePayloadType(f, out _)))
        {
            error = "RTP formats must be payload type numbers 0-127";
            return false;
        }
        return true;
    }

    private static bool TryParseAttribute(string value, out SdpAttribute? attribute, out string? error)
    {
        attribute = null;
        error = null;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? value.TrimEnd() : value[..colon];
        var attrValue = colon < 0 ? null : value[(colon + 1)..];
        if (!SdpText.IsToken(name))
        {
            error = $"bad attribute name '{name}'";
            return false;
        }
        var ok = name switch
        {
            "rtpmap" => SdpRtpMap.TryParse(attrValue, out _),
            "fmtp" => SdpFmtp.TryParse(attrValue, out _),
            "ptime" or "maxptime" => attrValue is not null
                && decimal.TryParse(attrValue, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms) && ms > 0,
            "rtcp" => SdpRtcp.TryParse(attrValue, out _),
            "crypto" => SdpCrypto.TryParse(attrValue, out _),
            _ => true,
        };
        if (!ok)
        {
            error = $"malformed a={name}";
            return false;
        }
        attribute = new SdpAttribute(name, attrValue);
        return true;
    }
}
