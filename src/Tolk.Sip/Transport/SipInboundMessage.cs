using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>
/// A parsed message handed up by a transport, with where it came from. For stream transports,
/// <see cref="ConnectionId"/> names the connection so responses go back over it (RFC 3261 §18.2.2).
/// </summary>
/// <param name="Message">The message.</param>
/// <param name="Remote">Where it came from.</param>
/// <param name="Local">The listener or connection it arrived on.</param>
/// <param name="ConnectionId">The stream connection, or null for UDP.</param>
/// <param name="TlsServerName">The host name the client asked for (SNI).</param>
/// <param name="PeerCertificate">
/// The TLS client's certificate when the listener asked for one. It proves the client holds its key, so it names the
/// client exactly to anything that pins its fingerprint; it vouches for the names in it only when
/// <paramref name="PeerCertificateTrusted"/>.
/// </param>
/// <param name="PeerCertificateTrusted">The certificate chains to a trusted root or has a trusted fingerprint.</param>
public sealed record SipInboundMessage(
    SipMessage Message,
    SipEndPoint Remote,
    SipEndPoint Local,
    string? ConnectionId = null,
    string? TlsServerName = null,
    System.Security.Cryptography.X509Certificates.X509Certificate2? PeerCertificate = null,
    bool PeerCertificateTrusted = false);
