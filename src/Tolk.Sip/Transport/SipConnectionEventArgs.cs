using System.Security.Cryptography.X509Certificates;

namespace Tolk.Sip.Transport;

/// <summary>A TCP/TLS connection opened or closed (for registrar flows, RFC 5626 §5.2).</summary>
public sealed class SipConnectionEventArgs : EventArgs
{
    public SipConnectionEventArgs(
        string connectionId,
        SipEndPoint remote,
        SipEndPoint local,
        bool isOutbound,
        string? tlsServerName,
        X509Certificate2? peerCertificate,
        string? closeReason)
    {
        ConnectionId = connectionId;
        Remote = remote;
        Local = local;
        IsOutbound = isOutbound;
        TlsServerName = tlsServerName;
        PeerCertificate = peerCertificate;
        CloseReason = closeReason;
    }

    public string ConnectionId { get; }

    public SipEndPoint Remote { get; }

    public SipEndPoint Local { get; }

    /// <summary>True when this host opened the connection.</summary>
    public bool IsOutbound { get; }

    /// <summary>SNI name the client asked for (inbound) or the name verified (outbound).</summary>
    public string? TlsServerName { get; }

    public X509Certificate2? PeerCertificate { get; }

    /// <summary>Why it closed ("peer closed", "idle", "framing error", "shutdown", …); null on open.</summary>
    public string? CloseReason { get; }
}
