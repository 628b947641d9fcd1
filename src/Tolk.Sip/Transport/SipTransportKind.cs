namespace Tolk.Sip.Transport;

/// <summary>The transports Tolk speaks SIP over.</summary>
public enum SipTransportKind
{
    Udp,
    Tcp,
    Tls,
}

public static class SipTransportKindExtensions
{
    /// <summary>RFC 3261 §17: timers A, E, G (retransmission) apply only to unreliable transports.</summary>
    public static bool IsReliable(this SipTransportKind kind) => kind != SipTransportKind.Udp;

    /// <summary>The token used in Via and in the transport URI parameter.</summary>
    public static string ToViaToken(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "UDP",
        SipTransportKind.Tcp => "TCP",
        _ => "TLS",
    };

    public static bool TryParse(string? token, out SipTransportKind kind)
    {
        switch (token?.ToUpperInvariant())
        {
            case "UDP":
                kind = SipTransportKind.Udp;
                return true;
            case "TCP":
                kind = SipTransportKind.Tcp;
                return true;
            case "TLS":
                kind = SipTransportKind.Tls;
                return true;
            default:
                kind = SipTransportKind.Udp;
                return false;
        }
    }
}
