using System.Net;
using System.Net.Sockets;

namespace Tolk.Conferencing.Tenancy;

/// <summary>
/// Lists of IP addresses and CIDR blocks, as trunks and trusted proxies are configured. An IPv4 address a dual-stack
/// socket reports mapped into IPv6 is compared as IPv4.
/// </summary>
public static class AddressBlocks
{
    /// <summary>
    /// Whether <paramref name="address"/> is one of <paramref name="blocks"/> or inside one. An entry that does not parse
    /// matches nothing: stored entries were validated when written, and a bad one must not fail a call.
    /// </summary>
    public static bool Contain(IEnumerable<string> blocks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(address);
        var plain = Unmapped(address);
        return blocks.Any(block => TryParse(block, out var network) && network.Contains(plain));
    }

    /// <summary>Parses a configured list once, for lists consulted on every request.</summary>
    /// <exception cref="FormatException">An entry is neither an address nor a CIDR block.</exception>
    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        return [.. blocks.Select(block => TryParse(block, out var network)
            ? network
            : throw new FormatException($"'{block}' is neither an IP address nor a CIDR block."))];
    }

    /// <summary>Whether <paramref name="address"/> is inside one of the parsed <paramref name="networks"/>.</summary>
    public static bool Contain(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(address);
        var plain = Unmapped(address);
        return networks.Any(network => network.Contains(plain));
    }

    // A single address is the block of itself.
    private static bool TryParse(string block, out IPNetwork network)
    {
        if (block.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(block, out network);
        }
        if (IPAddress.TryParse(block, out var single))
        {
            var plain = Unmapped(single);
            network = new IPNetwork(plain, plain.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        network = default;
        return false;
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
