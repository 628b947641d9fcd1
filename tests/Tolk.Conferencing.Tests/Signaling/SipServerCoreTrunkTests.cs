using System.Net;
using Tolk.Conferencing.Signaling;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// Calls from a tenant's own PBX trunk: recognised by source address (and pinned certificate), authenticated by it,
/// and the only calls whose asserted caller identity (RFC 3325) the server vouches for. The PBX connects over TCP:
/// a connection proves its source address, a UDP datagram does not.
/// </summary>
public sealed class SipServerCoreTrunkTests
{
    private readonly SipCoreHarness _h = new();

    private SipPeer PeerAt(string address, string user = "+3225550101", SipTransportKind transport = SipTransportKind.Tcp, SipCoreHarness? harness = null) =>
        new(harness ?? _h, user, new SipEndPoint(transport, new IPEndPoint(IPAddress.Parse(address), 5070)));

    [Fact]
    public async Task A_call_from_the_trunk_joins_an_authenticated_room_without_a_challenge_and_carries_its_asserted_number()
    {
        _h.Tenants.AddTrunk(_h.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["192.0.2.0/28", "2001:db8::7"]));
        var peer = PeerAt("192.0.2.9", "reception");

        var ok = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: "P-Asserted-Identity: \"Reception\" <sip:reception@pbx.example>, <tel:+32-2-555-0101>"));

        Assert.Equal(200, ok.StatusCode);
        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Equal("HQ PBX", call.Trunk?.Name);
        Assert.Null(call.AuthenticatedUser);
        Assert.Equal("tel:+32-2-555-0101", call.AssertedIdentity);
        Assert.Equal("tel:3225550101", call.VouchedCallerKey);
    }

    [Fact]
    public async Task Without_an_asserted_identity_the_trunks_From_number_is_vouched_for()
    {
        _h.Tenants.AddTrunk(_h.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["192.0.2.9"]));
        var peer = PeerAt("192.0.2.9");

        Assert.Equal(200, (await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer()))).StatusCode);

        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Null(call.AssertedIdentity);
        Assert.Equal("tel:3225550101", call.VouchedCallerKey);
    }

    [Fact]
    public async Task Over_udp_the_trunks_address_is_only_a_claim_unless_the_operator_trusts_the_network()
    {
        const string Pai = "P-Asserted-Identity: <tel:+3225550101>";
        _h.Tenants.AddTrunk(_h.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["192.0.2.9"]));
        var forged = PeerAt("192.0.2.9", transport: SipTransportKind.Udp);

        var challenge = await forged.SendAsync(forged.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer(), headers: Pai));
        Assert.Equal(401, challenge.StatusCode); // anyone can write that source address into a datagram
        var open = PeerAt("192.0.2.9", transport: SipTransportKind.Udp);
        Assert.Equal(200, (await open.SendAsync(open.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(), headers: Pai))).StatusCode);
        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Null(call.Trunk);
        Assert.Null(call.VouchedCallerKey);

        var trusting = new SipCoreHarness(options: new SipServerOptions { TrustTrunksOverUdp = true });
        trusting.Tenants.AddTrunk(trusting.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["192.0.2.9"]));
        var pbx = PeerAt("192.0.2.9", transport: SipTransportKind.Udp, harness: trusting);
        Assert.Equal(200, (await pbx.SendAsync(pbx.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer(), headers: Pai))).StatusCode);
        Assert.Equal("tel:3225550101", Assert.Single(trusting.Core.ActiveCalls).VouchedCallerKey);
    }

    [Theory]
    [InlineData("192.0.2.200", "tcp:198.51.100.9:5060", 200)] // relayed by the SBC: the PBX's own connection counts
    [InlineData("192.0.2.200", "tls:198.51.100.9:5061", 200)]
    [InlineData("192.0.2.200", "udp:198.51.100.9:5060", 401)] // the PBX reached the SBC over UDP: its address is a claim
    [InlineData("192.0.2.200", "tcp:198.51.100.10:5060", 401)] // another source
    [InlineData("192.0.2.200", null, 401)] // the SBC itself is no PBX
    [InlineData("192.0.2.200", "tcp:198.51.100.9", 401)] // unreadable
    [InlineData("192.0.2.201", "tcp:198.51.100.9:5060", 401)] // not a trusted SBC: the header is anyone's words
    [InlineData("192.0.2.200", "tcp:192.0.2.200:5060", 401)] // an SBC reporting itself (a loop) or another SBC is no PBX
    public async Task Behind_a_trusted_sbc_the_trunk_is_matched_on_the_source_the_sbc_reports(string from, string? forwarded, int expected)
    {
        var h = new SipCoreHarness(options: new SipServerOptions { TrustedProxies = ["192.0.2.200/32"] });
        h.Tenants.AddTrunk(h.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["198.51.100.9"]));
        var sbc = PeerAt(from, harness: h);
        string[] headers = forwarded is null ? [] : [$"X-Tolk-Source: {forwarded}"];

        var response = await sbc.SendAsync(sbc.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer(), headers: headers));

        Assert.Equal(expected, response.StatusCode);
        if (expected == 200)
        {
            Assert.Equal("HQ PBX", Assert.Single(h.Core.ActiveCalls).Trunk?.Name);
        }
    }

    [Theory]
    [InlineData(false, 401)] // anyone can forge the SBC's address in a datagram
    [InlineData(true, 200)] // a private link to the SBC
    public async Task A_trusted_sbc_over_udp_is_believed_only_on_a_private_link(bool trustProxiesOverUdp, int expected)
    {
        var h = new SipCoreHarness(options: new SipServerOptions { TrustedProxies = ["192.0.2.200"], TrustProxiesOverUdp = trustProxiesOverUdp });
        h.Tenants.AddTrunk(h.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["198.51.100.9"]));
        var sbc = PeerAt("192.0.2.200", transport: SipTransportKind.Udp, harness: h);

        var response = await sbc.SendAsync(sbc.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: "X-Tolk-Source: tcp:198.51.100.9:5060"));

        Assert.Equal(expected, response.StatusCode);
        var options = new SipServerOptions { TrustedProxies = ["192.0.2.200"], TrustProxiesOverUdp = true };
        Assert.False(options.IsTrustedProxy(new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.201"), 5060))));
        // A dual-stack socket reports the SBC's IPv4 address mapped into IPv6.
        Assert.True(options.IsTrustedProxy(new SipEndPoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.200"), 5060))));
    }

    [Fact]
    public async Task Through_the_sbc_a_trunk_is_not_recognised_by_the_sbcs_own_certificate()
    {
        var h = new SipCoreHarness(options: new SipServerOptions { TrustedProxies = ["192.0.2.200"] });
        h.Tenants.AddTrunk(h.Demo, new TrunkInfo(Guid.NewGuid(), "Carrier", [], Domain: "sbc.customer.example"));
        using var sbcCertificate = CertificateFor("sbc.customer.example");
        var sbc = PeerAt("192.0.2.200", harness: h);
        var invite = sbc.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer(), headers: "x-tolk-source: tcp:198.51.100.9:5060");

        await h.Layer.OnMessageAsync(new SipInboundMessage(invite, new SipEndPoint(SipTransportKind.Tls, sbc.EndPoint.EndPoint),
            RecordingSender.LocalEndPoint, "tls-1", "demo.tolk.test", sbcCertificate, PeerCertificateTrusted: true)).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(401, sbc.FinalResponseTo(invite)?.StatusCode);
    }

    [Theory]
    [InlineData("tcp:[2001:db8::5]:5060", SipTransportKind.Tcp, "[2001:db8::5]:5060")]
    [InlineData("TLS:203.0.113.5:5061", SipTransportKind.Tls, "203.0.113.5:5061")]
    [InlineData("sctp:203.0.113.5:5060", null, null)]
    [InlineData("tcp:203.0.113.5:0", null, null)]
    [InlineData("tcp:203.0.113.5:5060, tcp:198.51.100.9:5060", null, null)]
    [InlineData("tcp:203.0.113.5:5060\nx-tolk-source: tcp:198.51.100.9:5060", null, null)] // two lines, any case
    [InlineData("ws:203.0.113.5:5060", null, null)]
    public void The_forwarded_source_is_read_strictly(string header, SipTransportKind? transport, string? endPoint)
    {
        var invite = PeerAt("192.0.2.200").Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: [.. ("X-Tolk-Source: " + header).Split('\n')]);

        var source = SipServerCore.ForwardedSource(invite);

        Assert.Equal(transport, source?.Transport);
        Assert.Equal(endPoint, source?.EndPoint.ToString());
    }

    [Theory]
    [InlineData("192.0.2.77")] // outside the trunk's block
    [InlineData("198.51.100.9")]
    public async Task Anyone_else_is_challenged_in_an_authenticated_room_and_their_numbers_are_only_claims(string address)
    {
        _h.Tenants.AddTrunk(_h.Demo, new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["192.0.2.0/28"]));
        _h.Tenants.AddTrunk(_h.Other, new TrunkInfo(Guid.NewGuid(), "Other PBX", [address])); // another tenant's trunk is not ours
        var peer = PeerAt(address);

        var challenge = await peer.SendAsync(peer.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer()));
        Assert.Equal(401, challenge.StatusCode);

        var open = PeerAt(address);
        var ok = await open.SendAsync(open.Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: "P-Asserted-Identity: <tel:+3225550199>"));
        Assert.Equal(200, ok.StatusCode);
        var call = Assert.Single(_h.Core.ActiveCalls);
        Assert.Null(call.Trunk);
        Assert.Null(call.AssertedIdentity); // a header anyone can write is not kept
        Assert.Null(call.VouchedCallerKey);
    }

    [Fact]
    public async Task A_pinned_trunk_is_recognised_from_the_connections_client_certificate()
    {
        using var pbx = CertificateFor("pbx.example");
        _h.Tenants.AddTrunk(_h.Demo, new TrunkInfo(Guid.NewGuid(), "TLS PBX", ["192.0.2.9"], SipCertificates.Sha256Fingerprint(pbx)));

        var withCertificate = await InviteOverTlsAsync(PeerAt("192.0.2.9"), pbx);
        var without = await InviteOverTlsAsync(PeerAt("192.0.2.9"), null);

        Assert.Equal(200, withCertificate.StatusCode);
        Assert.Equal(401, without.StatusCode); // the right address alone is not the pinned trunk
        Assert.Equal("TLS PBX", Assert.Single(_h.Core.ActiveCalls).Trunk?.Name);
    }

    [Fact]
    public async Task A_certificate_a_trusted_root_issued_for_the_trunks_domain_identifies_it_from_any_address()
    {
        _h.Tenants.AddTrunk(_h.Demo, new TrunkInfo(Guid.NewGuid(), "Carrier SBC", [], Domain: "sbc.customer.example"));
        using var named = CertificateFor("sbc.customer.example");
        using var other = CertificateFor("sbc.elsewhere.example");

        Assert.Equal(401, (await InviteOverTlsAsync(PeerAt("198.51.100.7"), named, trusted: false)).StatusCode); // self-signed names prove nothing
        Assert.Equal(401, (await InviteOverTlsAsync(PeerAt("198.51.100.7"), other, trusted: true)).StatusCode);
        Assert.Empty(_h.Core.ActiveCalls);
        Assert.Equal(200, (await InviteOverTlsAsync(PeerAt("198.51.100.7"), named, trusted: true)).StatusCode);
        Assert.Equal("Carrier SBC", Assert.Single(_h.Core.ActiveCalls).Trunk?.Name);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 CertificateFor(string dnsName)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=" + dnsName, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private async Task<SipResponse> InviteOverTlsAsync(SipPeer peer, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, bool trusted = false)
    {
        var invite = peer.Build(SipMethods.Invite, "sip:5001@demo.tolk.test", SipTestMessages.AudioOffer());
        var from = new SipEndPoint(SipTransportKind.Tls, peer.EndPoint.EndPoint);
        await _h.Layer.OnMessageAsync(new SipInboundMessage(invite, from, RecordingSender.LocalEndPoint, "tls-1", "demo.tolk.test", certificate, trusted))
            .AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        return peer.FinalResponseTo(invite) ?? throw new Xunit.Sdk.XunitException("No final response");
    }

    [Theory]
    [InlineData("<sip:+3225550101@pbx.example>, <tel:+3225550102>", "tel:+3225550102")]
    [InlineData("<sip:reception@pbx.example>, <sip:+3225550101@pbx.example>", "sip:+3225550101@pbx.example")]
    [InlineData("\"Reception\" <sip:reception@pbx.example>", "sip:reception@pbx.example")]
    [InlineData("<mailto:reception@pbx.example>", null)]
    [InlineData("<tel:anonymous>, <sip:+32-2-555-0101@pbx.example>", "sip:+32-2-555-0101@pbx.example")]
    [InlineData("<sip:+@pbx.example>", "sip:+@pbx.example")]
    public void The_asserted_identity_is_the_number_when_one_is_asserted(string header, string? expected)
    {
        var invite = PeerAt("192.0.2.9").Build(SipMethods.Invite, "sip:5000@demo.tolk.test", SipTestMessages.AudioOffer(),
            headers: "P-Asserted-Identity: " + header);

        Assert.Equal(expected, SipServerCore.AssertedIdentity(invite));
    }

    [Fact]
    public void A_trunk_that_pins_a_certificate_admits_only_connections_that_present_it()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=pbx.example", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var pbx = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var stranger = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2));
        var trunk = new TrunkInfo(Guid.NewGuid(), "TLS PBX", ["::ffff:192.0.2.9"], SipCertificates.Sha256Fingerprint(pbx).ToLowerInvariant());
        var source = IPAddress.Parse("192.0.2.9");

        Assert.True(trunk.Admits(source, pbx));
        Assert.True(trunk.Admits(source.MapToIPv6(), pbx)); // a dual-stack socket reports v4 callers mapped
        Assert.False(trunk.Admits(source, null));
        Assert.False(trunk.Admits(source, stranger));
        Assert.False(trunk.Admits(IPAddress.Parse("192.0.2.10"), pbx));
        Assert.False(new TrunkInfo(Guid.NewGuid(), "Broken", ["not an address", "192.0.2.0/99"]).Admits(source, null));
    }
}
