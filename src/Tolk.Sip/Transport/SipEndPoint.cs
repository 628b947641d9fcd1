using System.Net;

namespace Tolk.Sip.Transport;

/// <summary>A transport and a socket address: where a message came from or goes to.</summary>
public sealed record SipEndPoint(SipTransportKind Transport, IPEndPoint EndPoint)
{
    public bool IsReliable => Transport.IsReliable();

    public override string ToString() => $"{Transport.ToViaToken().ToLowerInvariant()}:{EndPoint}";
}
