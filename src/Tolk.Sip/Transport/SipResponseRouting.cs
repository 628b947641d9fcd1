using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4), and over which connection.</summary>
public sealed record SipResponseDestination(SipEndPoint Remote, string? ConnectionId);

/// <summary>The Via rules of RFC 3261 §18.2.1 / §18.2.2 and RFC 3581.</summary>
public static class SipResponseRouting
{
    /// <summary>
    /// RFC 3261 §18.2.1: adds "received" to the top Via when its sent-by host is not the packet's source
    /// address; RFC 3581 §4: fills an empty "rport" with the source port (and then always adds received).
    /// Returns false when the request has no usable top Via.
    /// </summary>
    public static bool StampReceived(SipRequest request, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        var via = request.TopVia;
        if (via is null)
        {
            return false;
        }
        var changed = false;
        if (via.HasRPort)
        {
            via.RPort = source.Port;
            via.Received = FormatAddress(source.Address);
            changed = true;
        }
        else if (!HostMatches(via.Host, source.Address))
        {
            via.Received = FormatAddress(source.Address);
            changed = true;
        }
        if (changed)
        {
            request.Headers.RemoveFirstValue(SipHeaderNames.Via);
            request.Headers.Prepend(SipHeaderNames.Via, via.ToString());
        }
        return true;
    }

    /// <summary>Destination for <paramref name="response"/> to the request in <paramref name="origin"/>.</summary>
    public static SipResponseDestination? ResolveResponseDestination(SipResponse response, SipInboundMessage? origin)
    {
        ArgumentNullException.ThrowIfNull(response);
        var via = response.TopVia;
        return via is null ? null : ResolveResponseDestination(via, origin);
    }

    /// <summary>
    /// RFC 3261 §18.2.2: over a reliable transport, back over the connection the request came in on
    /// (falling back to the source address, then sent-by); over UDP to "received" and the "rport" port
    /// (RFC 3581 §4) or the sent-by port; "maddr" is honoured. When <paramref name="origin"/> is null,
    /// only the Via is used (an address literal is needed: no DNS here).
    /// </summary>
    public static SipResponseDestination? ResolveResponseDestination(SipVia topVia, SipInboundMessage? origin)
    {
        ArgumentNullException.ThrowIfNull(topVia);
        if (!SipTransportKindExtensions.TryParse(topVia.Transport, out var kind))
        {
            kind = origin?.Remote.Transport ?? SipTransportKind.Udp;
        }
        var defaultPort = kind == SipTransportKind.Tls ? 5061 : 5060;
        if (origin is not null)
        {
            kind = origin.Remote.Transport;
            if (kind.IsReliable())
            {
                return new SipResponseDestination(origin.Remote, origin.ConnectionId);
            }
            var maddrTarget = Maddr(topVia, kind, defaultPort);
            if (maddrTarget is not null)
            {
                return new SipResponseDestination(maddrTarget, null);
            }
            // The packet source is the truth for "received"; rport says to use its port too.
            var port = topVia.HasRPort ? origin.Remote.EndPoint.Port : topVia.Port ?? defaultPort;
            return new SipResponseDestination(new SipEndPoint(kind, new IPEndPoint(origin.Remote.EndPoint.Address, port)), null);
        }

        var maddr = Maddr(topVia, kind, defaultPort);
        if (maddr is not null)
        {
            return new SipResponseDestination(maddr, null);
        }
        var hostText = topVia.Received ?? topVia.Host;
        if (!TryParseAddress(hostText, out var address))
        {
            return null;
        }
        var p = topVia.RPort ?? topVia.Port ?? defaultPort;
        return new SipResponseDestination(new SipEndPoint(kind, new IPEndPoint(address, p)), null);
    }

    private static SipEndPoint? Maddr(SipVia via, SipTransportKind kind, int defaultPort) =>
        TryParseAddress(via.Parameters["maddr"], out var m) ? new SipEndPoint(kind, new IPEndPoint(m, via.Port ?? defaultPort)) : null;

    internal static bool TryParseAddress(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var span = text.AsSpan();
        if (span.Length > 2 && span[0] == '[' && span[^1] == ']')
        {
            span = span[1..^1];
        }
        if (IPAddress.TryParse(span, out var parsed))
        {
            address = parsed;
            return true;
        }
        return false;
    }

    private static bool HostMatches(string viaHost, IPAddress source) =>
        TryParseAddress(viaHost, out var a) && Normalize(a).Equals(Normalize(source));

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    /// <summary>RFC 3261 §25.1 (via-received = IPv4address / IPv6address): the bare address, IPv6 without brackets.</summary>
    private static string FormatAddress(IPAddress address) =>
        Normalize(address).ToString().ToLower(CultureInfo.InvariantCulture);

    internal static bool IsAny(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 && address.MapToIPv4().Equals(IPAddress.Any));
}
