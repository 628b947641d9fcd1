using System.Globalization;
using System.Net;
using System.Security.Authentication;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>Everything <see cref="SipTransportManager"/> needs: listeners, limits, TLS and abuse protection.</summary>
public sealed class SipTransportOptions
{
    /// <summary>Sockets to listen on. Port 0 binds an ephemeral port (see <see cref="SipTransportManager.BoundEndPoints"/>).</summary>
    public IList<SipListenerOptions> Listeners { get; } = new List<SipListenerOptions>();

    /// <summary>Address advertised in Via/Contact when a listener is bound to 0.0.0.0 or ::.</summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>Host name advertised in Via/Contact (e.g. the TLS certificate's name); optional.</summary>
    public string? AdvertisedHostName { get; set; }

    public SipParserLimits ParserLimits { get; set; } = SipParserLimits.Default;

    /// <summary>
    /// Kernel receive buffer of each UDP listener (SO_RCVBUF; Linux caps it at net.core.rmem_max). The default
    /// 208 KiB overflows in bursts of a few hundred calls per second on a busy host, and a dropped ACK or BYE
    /// leaves a call running (and billed) until a timer ends it.
    /// </summary>
    public int UdpReceiveBufferBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Capacity of the inbound queue. A full queue drops datagrams (counted) and slows stream readers.</summary>
    public int InboundQueueCapacity { get; set; } = 10_000;

    /// <summary>A stream connection that received nothing for this long is closed (also reaps half-open ones).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often idle connections are looked for.</summary>
    public TimeSpan IdleScanInterval { get; set; } = TimeSpan.FromSeconds(15);

    public int MaxConnections { get; set; } = 10_000;

    public int MaxConnectionsPerAddress { get; set; } = 200;

    /// <summary>Bytes a connection may hold unread (inbound) or unsent (outbound) before back-pressure or rejection.</summary>
    public int MaxPendingBytes { get; set; } = 512 * 1024;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Required when a TLS listener is configured.</summary>
    public SipTlsServerOptions? TlsServer { get; set; }

    public SipTlsClientOptions TlsClient { get; set; } = new();

    public SipRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>One listening socket: transport, bind address and port (0 = ephemeral).</summary>
public sealed record SipListenerOptions(SipTransportKind Transport, IPAddress Address, int Port)
{
    /// <summary>Parses "host:port", "[v6]:port" or "v6-without-port" style text such as "0.0.0.0:5060" or "[::]:5061".</summary>
    public static SipListenerOptions Parse(SipTransportKind transport, string hostPort)
    {
        ArgumentNullException.ThrowIfNull(hostPort);
        if (!IPEndPoint.TryParse(hostPort, out var ep))
        {
            throw new FormatException($"'{hostPort}' is not an IP address and port.");
        }
        return new SipListenerOptions(transport, ep.Address, ep.Port);
    }

    public override string ToString() =>
        $"{Transport.ToViaToken().ToLowerInvariant()}:{new IPEndPoint(Address, Port).ToString()}";
}

/// <summary>How the TLS listener presents itself and what it asks of clients.</summary>
public sealed class SipTlsServerOptions
{
    public SipTlsServerOptions(SipServerCertificateSelector certificates)
    {
        Certificates = certificates ?? throw new ArgumentNullException(nameof(certificates));
    }

    /// <summary>Certificates by SNI host name, with a default.</summary>
    public SipServerCertificateSelector Certificates { get; }

    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Mutual TLS: clients must present a certificate, exposed as <see cref="SipInboundMessage.PeerCertificate"/>.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>
    /// Ask every client for a certificate without requiring one (ignored when <see cref="RequireClientCertificate"/>).
    /// A certificate presented is exposed as <see cref="SipInboundMessage.PeerCertificate"/> without chain checks:
    /// the handshake proves the client holds its key, so it identifies the client exactly to anything that pins its
    /// fingerprint (a tenant's trunk), and vouches for nothing else. Clients without one connect as before.
    /// </summary>
    public bool RequestClientCertificate { get; set; }

    /// <summary>
    /// SHA-256 fingerprints (colon-separated or plain hex) of accepted client certificates. When empty, a
    /// client certificate must chain to a trusted root (or <see cref="TrustedClientRoots"/>).
    /// </summary>
    public ISet<string> TrustedClientFingerprints { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Roots client certificates may chain to instead of the system store.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedClientRoots { get; set; }
}

/// <summary>How outbound TLS connections verify servers.</summary>
public sealed class SipTlsClientOptions
{
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Pinned-fingerprint mode for trunks: target host name or IP literal → SHA-256 fingerprint. A pinned
    /// target is accepted when its leaf certificate matches, whatever its chain and names; other targets
    /// are verified normally (chain + host name).
    /// </summary>
    public IDictionary<string, string> PinnedFingerprints { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Roots to trust instead of the system store (a private CA for trunks).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedRoots { get; set; }

    /// <summary>Certificate offered to servers that ask for one (mutual TLS).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }
}

/// <summary>Per-source-address token bucket for new INVITE/REGISTER requests.</summary>
public sealed class SipRateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Tokens added per second.</summary>
    public double PermitsPerSecond { get; set; } = 20;

    /// <summary>Bucket size: how many requests may arrive at once.</summary>
    public int Burst { get; set; } = 40;

    /// <summary>Seconds written in the Retry-After of the 503 (RFC 3261 §20.33).</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Upper bound on tracked source addresses; beyond it, new addresses share one bucket.</summary>
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>An address not seen for this long is forgotten.</summary>
    public TimeSpan IdleExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Sources never limited, or null: the SBCs in front of the server, whose traffic is every caller's (they limit
    /// per caller themselves).
    /// </summary>
    public Func<SipEndPoint, bool>? Exempt { get; set; }

    /// <summary>Methods that are limited when they open a dialog (no To tag).</summary>
    public ISet<string> LimitedMethods { get; } = new HashSet<string>(StringComparer.Ordinal) { SipMethods.Invite, SipMethods.Register };

    internal string RetryAfterText => RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
}
