using System.Net;
using System.Security.Cryptography.X509Certificates;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tenancy;

/// <summary>
/// A trunk from a customer's own PBX as the SIP host sees it. A call that comes from one of its addresses (and,
/// when it pins a certificate, over TLS with that certificate) is the PBX's: its caller identity — the
/// P-Asserted-Identity it sends (RFC 3325), else its From — is vouched for by the PBX, and the call is as
/// authenticated as a digest-signed one. Anyone else's From is only a claim.
/// </summary>
/// <param name="Id">The trunk's id.</param>
/// <param name="Name">The trunk's name.</param>
/// <param name="AllowedAddresses">IP addresses or CIDR blocks the PBX sends from.</param>
/// <param name="TlsFingerprint">
/// SHA-256 fingerprint of the PBX's TLS certificate, or null. A pinned trunk is recognised only on TLS connections
/// whose client certificate has it, which needs the server to ask for client certificates (mutual TLS).
/// </param>
public sealed record TrunkInfo(Guid Id, string Name, IReadOnlyList<string> AllowedAddresses, string? TlsFingerprint = null)
{
    /// <summary>Whether a request from <paramref name="source"/>, with this TLS client certificate (or none), is this trunk's.</summary>
    public bool Admits(IPAddress source, X509Certificate? peerCertificate)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (TlsFingerprint is { Length: > 0 } pinned
            && (peerCertificate is null || !SipCertificates.FingerprintEquals(pinned, SipCertificates.Sha256Fingerprint(peerCertificate))))
        {
            return false;
        }
        var address = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
        foreach (var allowed in AllowedAddresses)
        {
            if (Contains(allowed, address))
            {
                return true;
            }
        }
        return false;
    }

    // Stored entries were validated by the API; one that does not parse admits nothing rather than failing the call.
    private static bool Contains(string allowed, IPAddress address)
    {
        if (allowed.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(allowed, out var network) && network.Contains(address);
        }
        return IPAddress.TryParse(allowed, out var single)
            && (single.IsIPv4MappedToIPv6 ? single.MapToIPv4() : single).Equals(address);
    }
}
