using System.Net;

namespace Tolk.Conferencing.Tenancy;

/// <summary>Lists of IP addresses and CIDR blocks, as trunks and trusted proxies are configured.</summary>
public static class AddressBlocks
{
    /// <summary>
    /// Whether <paramref name="address"/> is one of <paramref name="blocks"/> or inside one. An IPv4 address a dual-stack
    /// socket reports mapped into IPv6 is compared as IPv4. An entry that does not parse matches nothing: stored entries
    /// were validated when written, and a bad one must not fail a call.
    /// </summary>
    public static bool Contain(IEnumerable<string> blocks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(address);
        var plain = Unmapped(address);
        foreach (var block in blocks)
        {
            if (block.Contains('/', StringComparison.Ordinal)
                ? IPNetwork.TryParse(block, out var network) && network.Contains(plain)
                : IPAddress.TryParse(block, out var single) && Unmapped(single).Equals(plain))
            {
                return true;
            }
        }
        return false;
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
