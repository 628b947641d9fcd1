using Tolk.Sip.Auth;
using Tolk.Sip.Message;
using Tolk.Sip.Registrar;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>REGISTER (RFC 3261 §10.3) with digest authentication against the tenant's accounts (RFC 8760).</summary>
public sealed class SipServerCoreRegisterTests
{
    private const string RegistrarUri = "sip:demo.tolk.test";
    private readonly SipCoreHarness _h = new();

    private SipPeer Peer(string user = "alice", string aorUser = "alice", string domain = SipCoreHarness.DemoDomain)
    {
        var peer = _h.NewPeer(user);
        peer.To = $"<sip:{aorUser}@{domain}>";
        return peer;
    }

    private static SipRequest Register(SipPeer peer, string uri = RegistrarUri, string expires = "3600", string? contact = null, params string[] headers) =>
        peer.Build(SipMethods.Register, uri, contact: contact, headers: [.. headers, "Expires: " + expires]);

    /// <summary>The first REGISTER is challenged; the answer to the challenge is sent as a new request.</summary>
    private async Task<SipResponse> RegisterWithCredentialsAsync(
        SipPeer peer, string password, DigestAlgorithm? algorithm = null, string expires = "3600", string? contact = null, string? username = null)
    {
        var challenge = await peer.SendAsync(Register(peer, expires: expires, contact: contact));
        Assert.Equal(401, challenge.StatusCode);
        var authorization = peer.Authorization(challenge, SipMethods.Register, RegistrarUri, password, algorithm, username);
        return await peer.SendAsync(Register(peer, expires: expires, contact: contact, headers: authorization));
    }

    [Fact]
    public async Task The_first_REGISTER_is_challenged_with_SHA256_before_MD5()
    {
        var peer = Peer();
        var response = await peer.SendAsync(Register(peer));

        Assert.Equal(401, response.StatusCode);
        var challenges = response.Headers.GetValues(SipHeaderNames.WwwAuthenticate)
            .Select(v => DigestChallenge.TryParse(v, out var c, out _) ? c! : throw new InvalidOperationException(v))
            .ToList();
        Assert.Equal([DigestAlgorithm.Sha256, DigestAlgorithm.Md5], challenges.Select(c => c.Algorithm!.Value));
        Assert.All(challenges, c => Assert.Equal(SipCoreHarness.DemoDomain, c.Realm));
        Assert.All(challenges, c => Assert.False(c.Stale));
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5)]
    [InlineData(DigestAlgorithm.Sha256)]
    public async Task Correct_credentials_register_the_contact(DigestAlgorithm algorithm)
    {
        var peer = Peer();
        var ok = await RegisterWithCredentialsAsync(peer, "alice-secret", algorithm);

        Assert.Equal(200, ok.StatusCode);
        var contact = Assert.Single(ok.Contacts);
        Assert.Equal("alice", contact.Uri.User);
        Assert.Equal(5070, contact.Uri.Port);
        Assert.Equal("3600", contact.Parameters["expires"]);
        var binding = Assert.Single(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
        Assert.Equal(peer.EndPoint, binding.Source);
    }

    [Fact]
    public async Task A_wrong_password_is_challenged_again()
    {
        var peer = Peer();
        var response = await RegisterWithCredentialsAsync(peer, "not-the-password");

        Assert.Equal(401, response.StatusCode);
        Assert.NotEmpty(response.Headers.GetValues(SipHeaderNames.WwwAuthenticate));
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Fact]
    public async Task Another_accounts_credentials_cannot_register_this_AOR()
    {
        // bob authenticates correctly, but the To names alice (RFC 3261 §10.3 step 5).
        var peer = Peer(user: "bob", aorUser: "alice");
        var response = await RegisterWithCredentialsAsync(peer, "bob-secret");

        Assert.Equal(403, response.StatusCode);
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Fact]
    public async Task An_account_of_another_tenant_is_unknown_here()
    {
        var peer = Peer(user: "carol", aorUser: "carol");
        var response = await RegisterWithCredentialsAsync(peer, "carol-secret");

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(_h.Registrar.Lookup("sip:carol@demo.tolk.test"));
    }

    [Fact]
    public async Task Too_brief_an_expiry_is_423_with_Min_Expires()
    {
        var peer = Peer();
        var response = await RegisterWithCredentialsAsync(peer, "alice-secret", expires: "10");

        Assert.Equal(423, response.StatusCode);
        Assert.Equal("60", response.Headers[SipHeaderNames.MinExpires]);
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Fact]
    public async Task A_wildcard_with_Expires_0_removes_every_binding()
    {
        var peer = Peer();
        Assert.Equal(200, (await RegisterWithCredentialsAsync(peer, "alice-secret")).StatusCode);
        Assert.Equal(200, (await RegisterWithCredentialsAsync(peer, "alice-secret", contact: "<sip:alice@127.0.0.1:5080>")).StatusCode);
        Assert.Equal(2, _h.Registrar.Lookup("sip:alice@demo.tolk.test").Count);

        var cleared = await RegisterWithCredentialsAsync(peer, "alice-secret", expires: "0", contact: "*");

        Assert.Equal(200, cleared.StatusCode);
        Assert.Empty(cleared.Contacts);
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Fact]
    public async Task An_unknown_domain_is_404()
    {
        var peer = Peer(domain: "nowhere.example");
        var response = await peer.SendAsync(Register(peer, uri: "sip:nowhere.example"));
        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public async Task An_AOR_outside_the_tenants_domains_is_404()
    {
        // Registering with the demo registrar an address of the other tenant's domain.
        var peer = Peer(user: "carol", aorUser: "carol", domain: SipCoreHarness.OtherDomain);
        var response = await peer.SendAsync(Register(peer));
        Assert.Equal(404, response.StatusCode);
    }

    [Fact]
    public async Task A_disabled_tenant_is_403()
    {
        _h.Tenants.SetEnabled(_h.Demo, false);
        var peer = Peer();
        var response = await peer.SendAsync(Register(peer));
        Assert.Equal(403, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_nonce_is_challenged_as_stale()
    {
        var peer = Peer();
        var challenge = await peer.SendAsync(Register(peer));
        _h.Time.Advance(TimeSpan.FromMinutes(6));
        var authorization = peer.Authorization(challenge, SipMethods.Register, RegistrarUri, "alice-secret", DigestAlgorithm.Sha256);

        var response = await peer.SendAsync(Register(peer, headers: authorization));

        Assert.Equal(401, response.StatusCode);
        var challenges = response.Headers.GetValues(SipHeaderNames.WwwAuthenticate)
            .Select(v => DigestChallenge.TryParse(v, out var c, out _) ? c! : throw new InvalidOperationException(v))
            .ToList();
        Assert.NotEmpty(challenges);
        Assert.All(challenges, c => Assert.True(c.Stale));

        // The fresh nonce works at once.
        var retry = peer.Authorization(response, SipMethods.Register, RegistrarUri, "alice-secret");
        Assert.Equal(200, (await peer.SendAsync(Register(peer, headers: retry))).StatusCode);
    }

    [Fact]
    public async Task A_replayed_authorization_is_refused()
    {
        var peer = Peer();
        var challenge = await peer.SendAsync(Register(peer));
        var authorization = peer.Authorization(challenge, SipMethods.Register, RegistrarUri, "alice-secret");
        Assert.Equal(200, (await peer.SendAsync(Register(peer, headers: authorization))).StatusCode);

        // Same nonce, same nc, new transaction: a captured request sent again.
        var replay = await peer.SendAsync(Register(peer, headers: authorization));
        Assert.Equal(401, replay.StatusCode);
    }

    [Fact]
    public async Task Credentials_for_another_Request_URI_are_refused()
    {
        var peer = Peer();
        var challenge = await peer.SendAsync(Register(peer));
        var authorization = peer.Authorization(challenge, SipMethods.Register, "sip:alias.tolk.test", "alice-secret");

        var response = await peer.SendAsync(Register(peer, headers: authorization));

        Assert.Equal(400, response.StatusCode);
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Fact]
    public async Task Bindings_expire_on_the_clock()
    {
        var peer = Peer();
        Assert.Equal(200, (await RegisterWithCredentialsAsync(peer, "alice-secret", expires: "120")).StatusCode);
        _h.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Single(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
        _h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(_h.Registrar.Lookup("sip:alice@demo.tolk.test"));
    }

    [Fact]
    public async Task Registrar_options_set_the_minimum()
    {
        var h = new SipCoreHarness(new SipRegistrarOptions { MinExpiresSeconds = 300 });
        var peer = h.NewPeer();
        peer.To = "<sip:alice@demo.tolk.test>";
        var challenge = await peer.SendAsync(Register(peer, expires: "120"));
        var auth = peer.Authorization(challenge, SipMethods.Register, RegistrarUri, "alice-secret");
        var response = await peer.SendAsync(Register(peer, expires: "120", headers: auth));
        Assert.Equal(423, response.StatusCode);
        Assert.Equal("300", response.Headers[SipHeaderNames.MinExpires]);
    }
}
