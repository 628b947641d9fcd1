using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>
/// A parsed message handed up by a transport, with where it came from. For stream transports,
/// <see cref="ConnectionId"/> names the connection so responses go back over it (RFC 3261 §18.2.2).
/// </summary>
public sealed record SipInboundMessage(
    SipMessage Message,
    SipEndPoint Remote,
    SipEndPoint Local,
    string? ConnectionId = null,
    string? TlsServerName = null,
    System.Security.Cryptography.X509Certificates.X509Certificate2? PeerCertificate = null);
