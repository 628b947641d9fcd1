using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>Debian's baresip softphone, headless, calling a real `tolk serve` over UDP and TLS.</summary>
public sealed class BaresipTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task Call_over_udp_into_the_open_room_and_hang_up_cleanly()
    {
        var wav = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav"), 440, 2);
        await using var phone = Baresip.Create(
            $"<sip:guest@example.org>;outbound=\"sip:127.0.0.1:{_server.UdpPort};transport=udp\";regint=0;audio_codecs=PCMU",
            wav);
        var output = await phone.RunAsync("sip:5000@demo.tolk.test", seconds: 6);

        Assert.Contains("Call established", output, StringComparison.Ordinal);
        Assert.Matches("Call with sip:5000@demo.tolk.test terminated", output);
        await WaitForServerAsync("ended: caller hung up");
    }

    [Fact]
    public async Task Register_and_call_the_private_room_over_tls_with_digest_authentication()
    {
        var wav = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav"), 1000, 2);
        await using var phone = Baresip.Create(
            $"<sip:bob@demo.tolk.test>;auth_pass={TolkServerProcess.Passwords["bob"]};outbound=\"sip:127.0.0.1:{_server.TlsPort};transport=tls\";regint=600;audio_codecs=PCMA",
            wav);
        var output = await phone.RunAsync("sip:5001@demo.tolk.test", seconds: 6);

        Assert.Contains("{0/TLS/v4} 200 OK", output, StringComparison.Ordinal); // REGISTER after the 401 challenge
        Assert.Contains("[1 binding]", output, StringComparison.Ordinal);
        Assert.Contains("Call established", output, StringComparison.Ordinal);
        Assert.Contains("Call with sip:5001@demo.tolk.test terminated", output, StringComparison.Ordinal);
        await WaitForServerAsync("joined room 5001");
    }

    [Fact]
    public async Task The_private_room_refuses_a_wrong_password()
    {
        var wav = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav"), 1000, 2);
        await using var phone = Baresip.Create(
            $"<sip:carol@demo.tolk.test>;auth_pass=wrong;outbound=\"sip:127.0.0.1:{_server.TlsPort};transport=tls\";regint=0;audio_codecs=PCMA",
            wav);
        var output = await phone.RunAsync("sip:5001@demo.tolk.test", seconds: 8);

        Assert.DoesNotContain("Call established", output, StringComparison.Ordinal);
        Assert.Contains("401", output, StringComparison.Ordinal);
        await WaitForServerAsync("Authentication of carol at demo.tolk.test failed: WrongPassword");
    }

    [Fact]
    public async Task A_pbx_presenting_its_pinned_certificate_is_the_tenants_trunk_and_needs_no_password()
    {
        // A trunk from this machine that pins the PBX's self-signed certificate.
        var (pem, fingerprint) = PbxCertificates.SelfSigned("pbx.customer.test");
        await TrunkedCallsAsync(new { name = "PBX", allowedAddresses = new[] { "127.0.0.1" }, tlsFingerprint = fingerprint }, pem, "7200");
    }

    [Fact]
    public async Task A_certificate_the_customers_ca_issued_for_the_trunks_domain_is_the_trunk_from_any_address()
    {
        // A trunk with no address at all: only a certificate for its domain from a CA the server trusts names it.
        var domain = $"sbc{Guid.NewGuid():N}"[..12] + ".customer.test";
        var pem = PbxCertificates.IssuedFor(domain);
        await TrunkedCallsAsync(new { name = "SBC", domain }, pem, "7201");
    }

    /// <summary>
    /// Provisions a tenant whose room only authenticated callers may join and the given trunk; a caller with no password
    /// presenting <paramref name="certificatePem"/> is let in as the trunk's, the same caller without it is challenged.
    /// </summary>
    private async Task TrunkedCallsAsync(object trunk, string certificatePem, string extension)
    {
        var domain = $"tls{Guid.NewGuid():N}"[..12] + ".tolk.test";
        using var http = await AdminApi.SignInAsync(_server);
        var tenantId = (await AdminApi.PostAsync(http, "api/tenants", new { name = "Trunked", domains = new[] { domain } })).GetProperty("id").GetString();
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/rooms", new { name = "Board", extension, languages = new[] { new { code = "en" } }, requireAuth = true });
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/trunks", trunk);

        try
        {
            var wav = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav"), 1000, 2);
            var account = $"<sip:+3225557777@{domain}>;outbound=\"sip:127.0.0.1:{_server.TlsPort};transport=tls\";regint=0;audio_codecs=PCMA";
            await using (var pbx = Baresip.Create(account, wav, $"sip_certificate {certificatePem}"))
            {
                var output = await pbx.RunAsync($"sip:{extension}@{domain}", seconds: 6);
                Assert.Contains("Call established", output, StringComparison.Ordinal);
                await WaitForServerAsync($"joined room {extension}");
            }

            // The same caller from the same address without the certificate is nobody's trunk: challenged, and it has no password.
            await using var stranger = Baresip.Create(account, wav);
            var refused = await stranger.RunAsync($"sip:{extension}@{domain}", seconds: 6);
            Assert.DoesNotContain("Call established", refused, StringComparison.Ordinal);
            Assert.Contains("401", refused, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(certificatePem);
        }
    }

    private async Task WaitForServerAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_server.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"server never logged '{text}':\n{_server.Output}");
            await Task.Delay(100);
        }
    }
}
