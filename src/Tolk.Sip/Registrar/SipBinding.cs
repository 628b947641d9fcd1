using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Registrar;

/// <summary>
/// One registered contact of an address-of-record, with the flow it registered over so that requests
/// reach a client behind NAT over the same connection (RFC 5626 §5).
/// </summary>
public sealed record SipBinding(
    string AddressOfRecord,
    SipUri Contact,
    DateTimeOffset ExpiresAt,
    string CallId,
    uint CSeq,
    SipEndPoint Source,
    string? ConnectionId,
    float QValue);
