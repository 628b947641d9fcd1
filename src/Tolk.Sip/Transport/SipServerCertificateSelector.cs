using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tolk.Sip.Transport;

/// <summary>
/// Picks the server certificate for a TLS handshake from the SNI host name the client sent
/// (RFC 6066 §3): exact names first, then "*.domain" wildcards, then the default.
/// </summary>
public sealed class SipServerCertificateSelector
{
    private readonly ConcurrentDictionary<string, X509Certificate2> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<X509Certificate2, SslStreamCertificateContext> _contexts = new();

    public SipServerCertificateSelector(X509Certificate2 defaultCertificate)
    {
        DefaultCertificate = defaultCertificate ?? throw new ArgumentNullException(nameof(defaultCertificate));
    }

    public X509Certificate2 DefaultCertificate { get; }

    /// <summary>Serves <paramref name="certificate"/> to clients asking for <paramref name="hostName"/> ("*.example.com" allowed).</summary>
    public SipServerCertificateSelector Add(string hostName, X509Certificate2 certificate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        ArgumentNullException.ThrowIfNull(certificate);
        _byName[hostName.TrimEnd('.')] = certificate;
        return this;
    }

    /// <summary>The certificate for an SNI name (null or unknown names get the default).</summary>
    public X509Certificate2 Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return DefaultCertificate;
        }
        var name = serverName.TrimEnd('.');
        if (_byName.TryGetValue(name, out var exact))
        {
            return exact;
        }
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && _byName.TryGetValue("*" + name[dot..], out var wildcard))
        {
            return wildcard;
        }
        return DefaultCertificate;
    }

    /// <summary>A cached handshake context (certificate + chain) so each handshake does not rebuild it.</summary>
    internal SslStreamCertificateContext SelectContext(string? serverName) =>
        _contexts.GetOrAdd(Select(serverName), static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true));
}
