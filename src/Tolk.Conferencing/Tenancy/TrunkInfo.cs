using System.Net;
using System.Security.Cryptography.X509Certificates;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tenancy;

/// <summary>
/// A trunk from a customer's own PBX as the SIP host sees it. A call that comes from it is the PBX's: its caller
/// identity — the P-Asserted-Identity it sends (RFC 3325), else its From — is vouched for by the PBX, and the call is as
/// authenticated as a digest-signed one. Anyone else's From is only a claim. A request is the trunk's when it comes
/// from one of its addresses, or over TLS with a client certificate that a trusted root issued for its domain; a trunk
/// that pins a certificate also needs that very certificate on the connection.
/// </summary>
/// <param name="Id">The trunk's id.</param>
/// <param name="Name">The trunk's name.</param>
/// <param name="AllowedAddresses">IP addresses or CIDR blocks the PBX sends from.</param>
/// <param name="TlsFingerprint">
/// SHA-256 fingerprint of the PBX's TLS certificate, or null. A pinned trunk is recognised only on TLS connections
/// whose client certificate has it (the server asks TLS clients for one; self-signed is fine).
/// </param>
/// <param name="Domain">
/// The PBX's host name, or null. A TLS client certificate that chains to a root the server trusts and names it
/// identifies the trunk from any address (as carriers identify an SBC by its certificate's name).
/// </param>
public sealed record TrunkInfo(Guid Id, string Name, IReadOnlyList<string> AllowedAddresses, string? TlsFingerprint = null, string? Domain = null)
{
    /// <summary>
    /// Whether a request from <paramref name="source"/>, with this TLS client certificate (or none), is this trunk's.
    /// </summary>
    /// <param name="source">The request's source address.</param>
    /// <param name="peerCertificate">The TLS client certificate, or null.</param>
    /// <param name="certificateTrusted">Whether the certificate chains to a trusted root (only then do its names count).</param>
    public bool Admits(IPAddress source, X509Certificate2? peerCertificate, bool certificateTrusted = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (TlsFingerprint is { Length: > 0 } pinned
            && (peerCertificate is null || !SipCertificates.FingerprintEquals(pinned, SipCertificates.Sha256Fingerprint(peerCertificate))))
        {
            return false;
        }
        if (Domain is { Length: > 0 } domain && certificateTrusted && peerCertificate is not null
            && peerCertificate.MatchesHostname(domain, allowWildcards: true, allowCommonName: false))
        {
            return true;
        }
        return AddressBlocks.Contain(AllowedAddresses, source);
    }
}
