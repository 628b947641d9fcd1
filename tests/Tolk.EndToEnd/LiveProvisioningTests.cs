using System.Net;
using System.Net.Http.Json;
using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// What a provider does through the REST API takes effect in the running SIP host at once: a new
/// tenant's account registers, its room answers, and disabling the tenant refuses its calls.
/// </summary>
public sealed class LiveProvisioningTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task A_tenant_created_through_the_api_registers_and_takes_calls_and_disabling_it_refuses_them()
    {
        using var http = await AdminApi.SignInAsync(_server);

        var domain = $"acme{Guid.NewGuid():N}".Substring(0, 12) + ".tolk.test";
        var tenant = await AdminApi.PostAsync(http, "api/tenants", new { name = "Acme", domains = new[] { domain } });
        var tenantId = tenant.GetProperty("id").GetString();
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/sip-accounts", new { username = "dave", password = "Dave-Secret-99", extension = "2001" });
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/rooms", new { name = "Acme room", extension = "6000", languages = new[] { new { code = "en" } } });

        var domainReplacement = new Dictionary<string, string> { ["DOMAIN"] = domain };
        var register = await Sipp.RunAsync("register_digest.xml", "udp", _server.UdpPort, injection: "dave",
            extraArguments: ["-au", "dave", "-ap", "Dave-Secret-99"], replacements: domainReplacement);
        Assert.True(register.ExitCode == 0 && register.Successful == 1, $"REGISTER failed: {register.Errors}\n{_server.Output[^Math.Min(3000, _server.Output.Length)..]}");

        var call = await Sipp.RunAsync("invite_ack_bye.xml", "udp", _server.UdpPort, extraArguments: ["-s", "6000"], replacements: domainReplacement);
        Assert.True(call.ExitCode == 0 && call.Successful == 1, $"call failed: {call.Errors}");

        // The demo tenant's room 5000 is not reachable through the new tenant's domain.
        var cross = await Sipp.RunAsync("invite_ack_bye.xml", "udp", _server.UdpPort, extraArguments: ["-s", "5000"], replacements: domainReplacement);
        Assert.Equal(0, cross.Successful);
        Assert.Contains("received 'SIP/2.0 404", cross.Errors, StringComparison.Ordinal);

        using var disable = await http.PutAsJsonAsync($"api/tenants/{tenantId}", new { name = "Acme", domains = new[] { domain }, status = "disabled" });
        Assert.True(disable.IsSuccessStatusCode, await disable.Content.ReadAsStringAsync());
        var refused = await Sipp.RunAsync("invite_ack_bye.xml", "udp", _server.UdpPort, extraArguments: ["-s", "6000"], replacements: domainReplacement);
        Assert.Equal(0, refused.Successful);
        Assert.Contains("received 'SIP/2.0 403", refused.Errors, StringComparison.Ordinal);
    }
}
