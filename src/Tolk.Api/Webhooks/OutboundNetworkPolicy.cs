using System.Net;
using System.Net.Sockets;

namespace Tolk.Api.Webhooks;

/// <summary>
/// Which addresses webhooks may connect to. The check runs on the resolved address at connect time, so a
/// public name that resolves to an internal address (DNS rebinding) is refused as well.
/// </summary>
public static class OutboundNetworkPolicy
{
    /// <summary>True for loopback, unspecified, private, link-local, shared-address-space and multicast addresses.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0 || b[0] == 10 || b[0] >= 224                 // this network, RFC 1918, multicast/reserved
                || (b[0] == 172 && (b[1] & 0xF0) == 16)                    // RFC 1918 172.16/12
                || (b[0] == 192 && b[1] == 168)                            // RFC 1918
                || (b[0] == 169 && b[1] == 254)                            // link-local (cloud metadata lives here)
                || (b[0] == 100 && (b[1] & 0xC0) == 64);                   // RFC 6598 shared address space
        }

        var v6 = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC;                                     // RFC 4193 unique local fc00::/7
    }

    /// <summary>A connect callback for <see cref="SocketsHttpHandler"/> that enforces the policy.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowInternal) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var allowed = addresses.Where(a => allowInternal || !IsInternal(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"Webhook host {host} resolves only to internal addresses, which are not allowed.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
