using System.ComponentModel;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tolk.Sip.Transport;

public sealed partial class SipTransportManager
{
    /// <summary>
    /// Server side of the TLS handshake, bounded by <see cref="SipTransportOptions.TlsHandshakeTimeout"/>.
    /// Garbage, truncated handshakes and timeouts close the socket and are counted; null means failed.
    /// </summary>
    private async Task<(Stream Stream, string? ServerName, X509Certificate2? Peer, bool PeerTrusted)?> AuthenticateServerAsync(Stream inner, Socket socket, IPEndPoint remote)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var check = new ClientCertificateCheck();
        using var timeout = new CancellationTokenSource(_options.TlsHandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        try
        {
            // Aborting the socket guarantees a stuck handshake ends even if the stream ignores the token.
            using (linked.Token.Register(static s => ((Socket)s!).Dispose(), socket))
            {
                await ssl.AuthenticateAsServerAsync(SelectServerOptions, check, linked.Token);
            }
            linked.Token.ThrowIfCancellationRequested();
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException or Win32Exception or InvalidOperationException)
        {
            Interlocked.Increment(ref Statistics._tlsHandshakeFailures);
            _metrics.TlsHandshakeFailures.Add(1);
            SipTransportLog.TlsHandshakeFailed(_logger, remote, ex.GetType().Name + ": " + ex.Message);
            await ssl.DisposeAsync();
            socket.Dispose();
            return null;
        }
        var serverName = string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName;
        return (ssl, serverName, AsCertificate2(ssl.RemoteCertificate), check.Trusted);
    }

    /// <summary>What the handshake's validation found about the client's certificate.</summary>
    private sealed class ClientCertificateCheck
    {
        /// <summary>The certificate chains to a trusted root or is one of the trusted fingerprints.</summary>
        public bool Trusted { get; set; }
    }

    private ValueTask<SslServerAuthenticationOptions> SelectServerOptions(SslStream stream, SslClientHelloInfo hello, object? state, CancellationToken cancellationToken)
    {
        var tls = _options.TlsServer!;
        var check = (ClientCertificateCheck)state!;
        return ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            // SNI (RFC 6066 §3): each host name its certificate.
            ServerCertificateContext = tls.Certificates.SelectContext(hello.ServerName),
            EnabledSslProtocols = tls.EnabledProtocols,
            ClientCertificateRequired = tls.RequireClientCertificate || tls.RequestClientCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateClientCertificate(certificate, errors, check),
        });
    }

    private bool ValidateClientCertificate(X509Certificate? certificate, SslPolicyErrors errors, ClientCertificateCheck check)
    {
        var tls = _options.TlsServer!;
        if (certificate is null)
        {
            return !tls.RequireClientCertificate;
        }
        check.Trusted = IsTrustedClientCertificate(tls, certificate, errors);
        // Asked for but optional: an untrusted certificate is still the client's identity for a pin to match.
        return check.Trusted || !tls.RequireClientCertificate;
    }

    private static bool IsTrustedClientCertificate(SipTlsServerOptions tls, X509Certificate certificate, SslPolicyErrors errors)
    {
        if (tls.TrustedClientFingerprints.Count > 0)
        {
            var fingerprint = SipCertificates.Sha256Fingerprint(certificate);
            return tls.TrustedClientFingerprints.Any(f => SipCertificates.FingerprintEquals(f, fingerprint));
        }
        if (tls.TrustedClientRoots is { Count: > 0 } roots)
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(roots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return custom.Build(leaf);
        }
        // A client certificate names no host: only the chain matters.
        return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
    }

    /// <summary>
    /// Client side: verifies chain and host name by default (RFC 5922 §7.3); a pinned fingerprint for the
    /// target replaces that check (trunks with self-signed certificates).
    /// </summary>
    private async Task<(Stream Stream, X509Certificate2? Peer)> AuthenticateClientAsync(Stream inner, Socket socket, IPEndPoint remote, string serverName)
    {
        var client = _options.TlsClient;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = client.EnabledProtocols,
            // Revocation lists are usually unreachable from a media host; chain and name are checked.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, cert, _, errors) => ValidateServerCertificate(cert, errors, serverName, remote.Address),
        };
        if (client.ClientCertificate is { } mine)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(mine, additionalCertificates: null, offline: true);
        }
        if (client.TrustedRoots is { Count: > 0 } roots)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }
        using var timeout = new CancellationTokenSource(_options.TlsHandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        try
        {
            using (linked.Token.Register(static s => ((Socket)s!).Dispose(), socket))
            {
                await ssl.AuthenticateAsClientAsync(options, linked.Token);
            }
            linked.Token.ThrowIfCancellationRequested();
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException or Win32Exception or InvalidOperationException)
        {
            Interlocked.Increment(ref Statistics._tlsHandshakeFailures);
            _metrics.TlsHandshakeFailures.Add(1);
            SipTransportLog.TlsHandshakeFailed(_logger, remote, ex.GetType().Name + ": " + ex.Message);
            await ssl.DisposeAsync();
            throw new SipTransportException($"TLS handshake with {serverName} ({remote}) failed.", ex);
        }
        return (ssl, AsCertificate2(ssl.RemoteCertificate));
    }

    private bool ValidateServerCertificate(X509Certificate? certificate, SslPolicyErrors errors, string serverName, IPAddress address)
    {
        if (certificate is null)
        {
            return false;
        }
        var pins = _options.TlsClient.PinnedFingerprints;
        if (pins.TryGetValue(serverName, out var pin) || pins.TryGetValue(address.ToString(), out pin))
        {
            return SipCertificates.FingerprintEquals(pin, SipCertificates.Sha256Fingerprint(certificate));
        }
        return errors == SslPolicyErrors.None;
    }

    private static X509Certificate2? AsCertificate2(X509Certificate? certificate) => certificate switch
    {
        null => null,
        X509Certificate2 c2 => c2,
        _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
    };
}
