using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

/// <summary>Behaviour of the SIP user agent server that answers calls into rooms.</summary>
public sealed record SipServerOptions
{
    /// <summary>Server and User-Agent header value.</summary>
    public string ProductName { get; init; } = "Tolk/0.1";

    /// <summary>Smallest session interval accepted (RFC 4028 §5: at least 90 s).</summary>
    public int MinSessionExpiresSeconds { get; init; } = 90;

    /// <summary>Session interval we ask for when the caller proposes none but supports timers.</summary>
    public int DefaultSessionExpiresSeconds { get; init; } = 1800;

    /// <summary>Option tags we support (Supported / Require handling, RFC 3261 §8.2.2.3).</summary>
    public IReadOnlyList<string> SupportedExtensions { get; init; } = ["timer", "100rel", "replaces", "norefersub"];

    /// <summary>
    /// Whether a tenant trunk is recognised by its source address on UDP too. Off by default: a UDP source address
    /// can be forged by anyone who can send a packet, and a trunk call skips digest authentication and has its caller
    /// identity believed, while its media goes wherever its SDP says. Over TCP and TLS the handshake proves the
    /// address. Turn on only where the network drops forged sources (ingress filtering, a private link to the PBX).
    /// </summary>
    public bool TrustTrunksOverUdp { get; init; }

    /// <summary>
    /// Addresses or CIDR blocks of the SBCs in front of this server. A request one of them relays carries the address the
    /// SBC received it from in <see cref="ForwardedSourceHeader"/>, and trunks are matched on that address instead of the
    /// SBC's. The SBC must remove that header from what it receives; from anyone else the header is ignored. An SBC's own
    /// address is proved by its connection, or over UDP only with <see cref="TrustProxiesOverUdp"/>.
    /// </summary>
    public IReadOnlyList<string> TrustedProxies
    {
        get => _trustedProxies;
        init
        {
            _trustedProxies = value;
            _proxyNetworks = AddressBlocks.Parse(value);
        }
    }

    /// <summary>
    /// Whether a UDP datagram from a <see cref="TrustedProxies"/> address is the SBC's: only where the link between the
    /// SBC and this server is private. Apart from <see cref="TrustTrunksOverUdp"/>, which is about the PBX's link to
    /// the SBC (or to this server), where anyone on the internet can forge a source.
    /// </summary>
    public bool TrustProxiesOverUdp { get; init; }

    private readonly IReadOnlyList<string> _trustedProxies = [];
    private readonly IReadOnlyList<System.Net.IPNetwork> _proxyNetworks = [];

    /// <summary>Whether a request from <paramref name="source"/> comes from one of the trusted SBCs (its address proved).</summary>
    public bool IsTrustedProxy(SipEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return (source.IsReliable || TrustProxiesOverUdp) && IsProxyAddress(source.EndPoint.Address);
    }

    /// <summary>Whether <paramref name="address"/> is one of <see cref="TrustedProxies"/>.</summary>
    public bool IsProxyAddress(System.Net.IPAddress address) => AddressBlocks.Contain(_proxyNetworks, address);

    /// <summary>
    /// The header a trusted SBC writes the original source into: <c>transport:address:port</c>, e.g.
    /// <c>tcp:203.0.113.5:5060</c> or <c>tls:[2001:db8::5]:5061</c> (Kamailio: <c>$pr:$siz:$sp</c>).
    /// </summary>
    public const string ForwardedSourceHeader = "X-Tolk-Source";

    public static IReadOnlyList<string> AllowedMethods { get; } =
        ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "UPDATE", "PRACK", "REFER", "NOTIFY", "INFO"];
}
