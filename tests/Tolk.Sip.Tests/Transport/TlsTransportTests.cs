using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

public sealed class TlsTransportTests : IDisposable
{
    private readonly X509Certificate2 _default = SelfSignedCertificate.Create(["sip.tolk.test"], DateTimeOffset.UtcNow);
    private readonly X509Certificate2 _tenantB = SelfSignedCertificate.Create(["b.tolk.test"], DateTimeOffset.UtcNow);
    private readonly X509Certificate2 _client = SelfSignedCertificate.Create(["pbx.customer.test"], DateTimeOffset.UtcNow);

    public void Dispose()
    {
        _default.Dispose();
        _tenantB.Dispose();
        _client.Dispose();
    }

    private Task<SipTransportManager> StartTlsAsync(Action<SipTransportOptions>? more = null) =>
        StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Tls, IPAddress.Loopback, 0));
            o.TlsServer = new SipTlsServerOptions(new SipServerCertificateSelector(_default).Add("b.tolk.test", _tenantB));
            more?.Invoke(o);
        });

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Handshake_with_TLS_version_carries_messages_and_surfaces_SNI(SslProtocols protocol)
    {
        await using var manager = await StartTlsAsync();
        await using var ssl = await ConnectTlsAsync(manager.Bound(SipTransportKind.Tls), "sip.tolk.test", SipCertificates.Sha256Fingerprint(_default), protocol);
        Assert.Equal(protocol, ssl.SslProtocol);

        await ssl.WriteAsync(Encoding.UTF8.GetBytes(Request("INVITE", "tls-" + protocol, transport: "TLS")));
        var inbound = await manager.NextAsync();

        Assert.Equal(SipTransportKind.Tls, inbound.Remote.Transport);
        Assert.Equal("sip.tolk.test", inbound.TlsServerName);
        Assert.NotNull(inbound.ConnectionId);
        Assert.Null(inbound.PeerCertificate);

        var response = SipResponse.CreateFor((SipRequest)inbound.Message, 100);
        await manager.SendAsync(response, inbound.Remote, inbound.ConnectionId);
        var back = Assert.IsType<SipResponse>(await new StreamMessageReader(ssl).ReadMessageAsync());
        Assert.Equal(100, back.StatusCode);
    }

    [Theory]
    [InlineData("b.tolk.test", "b")]
    [InlineData("unknown.example", "default")]
    [InlineData(null, "default")]
    public async Task Server_certificate_is_selected_by_SNI(string? serverName, string expected)
    {
        await using var manager = await StartTlsAsync();
        var server = manager.Bound(SipTransportKind.Tls);
        var wanted = expected == "b" ? _tenantB : _default;
        await using var ssl = await ConnectTlsAsync(server, serverName, SipCertificates.Sha256Fingerprint(wanted));

        Assert.Equal(wanted.Thumbprint, new X509Certificate2(ssl.RemoteCertificate!).Thumbprint);
        await ssl.WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "sni", transport: "TLS")));
        Assert.Equal(serverName, (await manager.NextAsync()).TlsServerName);
    }

    [Fact]
    public async Task Outbound_TLS_verifies_the_server_by_default_and_accepts_a_pinned_fingerprint()
    {
        await using var server = await StartTlsAsync();
        var target = new SipEndPoint(SipTransportKind.Tls, server.Bound(SipTransportKind.Tls)) { HostName = "sip.tolk.test" };
        var request = Parse(Encoding.UTF8.GetBytes(Request("OPTIONS", "verify", transport: "TLS", viaHost: "127.0.0.1")));

        await using (var strict = await StartAsync(o => o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0))))
        {
            var ex = await Assert.ThrowsAsync<SipTransportException>(async () => await strict.SendAsync(request, target));
            Assert.IsType<AuthenticationException>(ex.InnerException);
            Assert.Equal(1, strict.Statistics.TlsHandshakeFailures);
            Assert.Equal(0, strict.ConnectionCount);
        }

        await using var pinned = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.TlsClient.PinnedFingerprints["sip.tolk.test"] = SipCertificates.Sha256Fingerprint(_default);
        });
        await pinned.SendAsync(request, target);
        var inbound = await server.NextAsync();
        Assert.Equal("verify", inbound.Message.CallId);
        Assert.Equal("sip.tolk.test", inbound.TlsServerName);

        // A wrong pin is refused even though it is the same server.
        await using var wrongPin = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.TlsClient.PinnedFingerprints["sip.tolk.test"] = SipCertificates.Sha256Fingerprint(_tenantB);
        });
        await Assert.ThrowsAsync<SipTransportException>(async () => await wrongPin.SendAsync(request, target));
    }

    [Fact]
    public async Task Outbound_TLS_with_a_trusted_private_root_checks_the_host_name()
    {
        await using var server = await StartTlsAsync();
        var endPoint = server.Bound(SipTransportKind.Tls);
        await using var client = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.TlsClient.TrustedRoots = [X509CertificateLoader.LoadCertificate(_default.RawData)];
        });
        var request = Parse(Encoding.UTF8.GetBytes(Request("OPTIONS", "root", transport: "TLS", viaHost: "127.0.0.1")));

        await client.SendAsync(request, new SipEndPoint(SipTransportKind.Tls, endPoint) { HostName = "sip.tolk.test" });
        Assert.Equal("root", (await server.NextAsync()).Message.CallId);

        // Same trusted certificate, wrong name: refused.
        var other = new IPEndPoint(IPAddress.Loopback, endPoint.Port);
        await using var client2 = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.TlsClient.TrustedRoots = [X509CertificateLoader.LoadCertificate(_default.RawData)];
        });
        await Assert.ThrowsAsync<SipTransportException>(async () =>
            await client2.SendAsync(request, new SipEndPoint(SipTransportKind.Tls, other) { HostName = "evil.example" }));
    }

    [Fact]
    public async Task Mutual_TLS_requires_a_client_certificate_and_exposes_it()
    {
        await using var manager = await StartTlsAsync(o =>
        {
            o.TlsServer!.RequireClientCertificate = true;
            o.TlsServer.TrustedClientFingerprints.Add(SipCertificates.Sha256Fingerprint(_client));
        });
        var server = manager.Bound(SipTransportKind.Tls);
        var pin = SipCertificates.Sha256Fingerprint(_default);

        await using (var ssl = await ConnectTlsAsync(server, "sip.tolk.test", pin, clientCertificate: _client))
        {
            await ssl.WriteAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "mtls", transport: "TLS")));
            var inbound = await manager.NextAsync();
            Assert.NotNull(inbound.PeerCertificate);
            Assert.Equal(_client.Thumbprint, inbound.PeerCertificate!.Thumbprint);
        }

        // Without a certificate (TLS 1.3 may finish the client side first): the server refuses the connection.
        var failed = false;
        try
        {
            await using var noCert = await ConnectTlsAsync(server, "sip.tolk.test", pin);
            await noCert.WriteAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "no-cert", transport: "TLS")));
            failed = await IsClosedByPeerAsync(noCert);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            failed = true;
        }
        Assert.True(failed);
        await EventuallyAsync(() => manager.Statistics.TlsHandshakeFailures == 1, "handshake failure counted");

        // An unknown client certificate is refused too.
        using var stranger = SelfSignedCertificate.Create(["stranger.test"], DateTimeOffset.UtcNow);
        try
        {
            await using var wrong = await ConnectTlsAsync(server, "sip.tolk.test", pin, clientCertificate: stranger);
            await wrong.WriteAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "stranger", transport: "TLS")));
            Assert.True(await IsClosedByPeerAsync(wrong));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
        }
        await EventuallyAsync(() => manager.Statistics.TlsHandshakeFailures == 2, "second handshake failure counted");
        Assert.False(manager.Inbound.TryRead(out _));
    }

    [Fact]
    public async Task An_optional_client_certificate_is_asked_for_exposed_with_its_trust_and_never_required()
    {
        using var caKey = System.Security.Cryptography.ECDsa.Create();
        var caRequest = new CertificateRequest("CN=Customer PBX CA", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var leafKey = System.Security.Cryptography.ECDsa.Create();
        var leafRequest = new CertificateRequest("CN=sbc.customer.test", leafKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var issuedPublic = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
        using var issued = issuedPublic.CopyWithPrivateKey(leafKey);
        using var exportable = X509CertificateLoader.LoadPkcs12(issued.Export(X509ContentType.Pkcs12), null);

        await using var manager = await StartTlsAsync(o =>
        {
            o.TlsServer!.RequestClientCertificate = true;
            o.TlsServer.TrustedClientRoots = [X509CertificateLoader.LoadCertificate(ca.RawData)];
        });
        var server = manager.Bound(SipTransportKind.Tls);
        var pin = SipCertificates.Sha256Fingerprint(_default);

        // A self-signed certificate no root vouches for: kept as the client's identity for a pin to match, untrusted.
        using var pbx = SelfSignedCertificate.Create(["pbx.example"], DateTimeOffset.UtcNow);
        var fromPbx = await SendOverTlsAsync(server, pin, pbx, "pbx", manager);
        Assert.Equal(pbx.Thumbprint, fromPbx.PeerCertificate?.Thumbprint);
        Assert.False(fromPbx.PeerCertificateTrusted);

        var fromSbc = await SendOverTlsAsync(server, pin, exportable, "sbc", manager);
        Assert.Equal(issued.Thumbprint, fromSbc.PeerCertificate?.Thumbprint);
        Assert.True(fromSbc.PeerCertificateTrusted); // issued by a configured root: its names count

        var fromPhone = await SendOverTlsAsync(server, pin, null, "phone", manager);
        Assert.Null(fromPhone.PeerCertificate);
        Assert.False(fromPhone.PeerCertificateTrusted);
        Assert.Equal(0, manager.Statistics.TlsHandshakeFailures);
    }

    private async Task<SipInboundMessage> SendOverTlsAsync(IPEndPoint server, string pin, X509Certificate2? clientCertificate, string callId, SipTransportManager manager)
    {
        await using var ssl = await ConnectTlsAsync(server, "sip.tolk.test", pin, clientCertificate: clientCertificate);
        await ssl.WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", callId, transport: "TLS")));
        var inbound = await manager.NextAsync();
        Assert.Equal(callId, inbound.Message.CallId);
        return inbound;
    }

    [Fact]
    public async Task Garbage_and_truncated_handshakes_close_the_connection_and_the_listener_keeps_serving()
    {
        // Short enough that the silent and truncated peers are cut off well within the test's 10 s wait, long enough
        // for the real handshake at the end on a loaded machine (the timeout bounds every handshake).
        await using var manager = await StartTlsAsync(o => o.TlsHandshakeTimeout = TimeSpan.FromSeconds(2));
        var server = manager.Bound(SipTransportKind.Tls);

        // Plain SIP sent to the TLS port.
        using (var plain = new TcpClient())
        {
            await plain.ConnectAsync(server);
            await plain.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "plain", transport: "TCP")));
            Assert.True(await IsClosedByPeerAsync(plain.GetStream()));
        }
        // A ClientHello cut off after its record header.
        using (var truncated = new TcpClient())
        {
            await truncated.ConnectAsync(server);
            await truncated.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 });
            Assert.True(await IsClosedByPeerAsync(truncated.GetStream()));
        }
        // A peer that connects and says nothing.
        using (var silent = new TcpClient())
        {
            await silent.ConnectAsync(server);
            Assert.True(await IsClosedByPeerAsync(silent.GetStream()));
        }
        await EventuallyAsync(() => manager.Statistics.TlsHandshakeFailures == 3, "three handshake failures counted");
        Assert.Equal(0, manager.ConnectionCount);

        await using var ssl = await ConnectTlsAsync(server, "sip.tolk.test", SipCertificates.Sha256Fingerprint(_default));
        await ssl.WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "still-serving", transport: "TLS")));
        Assert.Equal("still-serving", (await manager.NextAsync()).Message.CallId);
    }

    [Fact]
    public async Task Listens_on_IPv6_loopback()
    {
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Tls, IPAddress.IPv6Loopback, 0));
            o.TlsServer = new SipTlsServerOptions(new SipServerCertificateSelector(_default));
        });
        await using var ssl = await ConnectTlsAsync(manager.Bound(SipTransportKind.Tls, AddressFamily.InterNetworkV6), "sip.tolk.test", SipCertificates.Sha256Fingerprint(_default));
        await ssl.WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "v6", transport: "TLS", viaHost: "[2001:db8::1]")));
        var inbound = await manager.NextAsync();
        Assert.Equal(IPAddress.IPv6Loopback, inbound.Remote.EndPoint.Address);
        Assert.Equal("::1", inbound.Message.TopVia!.Received);
    }
}
