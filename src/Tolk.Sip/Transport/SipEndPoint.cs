using System.Net;

namespace Tolk.Sip.Transport;

/// <summary>A transport and a socket address: where a message came from or goes to.</summary>
public sealed record SipEndPoint(SipTransportKind Transport, IPEndPoint EndPoint)
{
    public bool IsReliable => Transport.IsReliable();

    /// <summary>
    /// The domain name this endpoint stands for, when known. For outbound TLS it is the SNI name and the
    /// name the server certificate must carry (RFC 5922 §7.3); for an advertised local endpoint it is the
    /// host written in Via/Contact instead of the address.
    /// </summary>
    public string? HostName { get; init; }

    public override string ToString() => $"{Transport.ToViaToken().ToLowerInvariant()}:{EndPoint}";
}
