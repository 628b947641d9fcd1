using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// A tenant's PBX behind the Kamailio SBC: the server trusts the SBC's report of where a call came from, so the PBX's
/// trunk is recognised through it, and only when the PBX's own link proves its address.
/// </summary>
public sealed class SbcTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task Through_the_sbc_a_pbx_connecting_over_tcp_is_its_trunk_and_over_udp_is_anyone()
    {
        // A room only authenticated callers may join, and a trunk from the PBX's address, which only the SBC's report can
        // give: nothing else connects to the server from 127.0.0.3.
        var domain = $"sbc{Guid.NewGuid():N}"[..12] + ".tolk.test";
        using var http = await AdminApi.SignInAsync(_server);
        var tenantId = (await AdminApi.PostAsync(http, "api/tenants", new { name = "Behind SBC", domains = new[] { domain } })).GetProperty("id").GetString();
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/rooms", new { name = "Board", extension = "7300", languages = new[] { new { code = "en" } }, requireAuth = true });
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/trunks", new { name = "PBX", allowedAddresses = new[] { Pbx } });
        await using var sbc = await KamailioSbc.StartAsync(_server.TcpPort);
        var replacements = new Dictionary<string, string> { ["DOMAIN"] = domain };

        var overTcp = await Sipp.RunAsync("invite_ack_bye.xml", "tcp", sbc.Port, extraArguments: ["-s", "7300"], replacements: replacements, remoteHost: KamailioSbc.Address, localIp: Pbx);
        Assert.True(overTcp.ExitCode == 0 && overTcp.Successful == 1, $"{overTcp.Errors}\n--- kamailio:\n{sbc.Output}\n--- tolk:\n{Tail(_server.Output)}");

        // A forged X-Tolk-Source does not survive the SBC: the PBX's own report stands, and it is still the trunk's call.
        var forged = await Sipp.RunAsync("invite_ack_bye.xml", "tcp", sbc.Port, extraArguments: ["-s", "7300"], remoteHost: KamailioSbc.Address, localIp: Pbx,
            replacements: new Dictionary<string, string>(replacements) { ["EXTRA_HEADERS"] = "\n      X-Tolk-Source: tcp:198.51.100.1:5060" });
        Assert.True(forged.ExitCode == 0 && forged.Successful == 1, forged.Errors);

        // Over UDP the PBX's source could be forged: challenged like anyone, whatever X-Tolk-Source it writes itself.
        var overUdp = await Sipp.RunAsync("invite_ack_bye.xml", "udp", sbc.Port, extraArguments: ["-s", "7300"], localIp: Pbx,
            replacements: new Dictionary<string, string>(replacements) { ["EXTRA_HEADERS"] = $"\n      X-Tolk-Source: tcp:{Pbx}:5060" }, remoteHost: KamailioSbc.Address);
        Assert.Equal(0, overUdp.Successful);
        Assert.Contains("401", overUdp.Errors, StringComparison.Ordinal);

        // Every caller's call arrives from the SBC: 60 new calls at once are past any one source's burst (40), yet none
        // is refused with 503.
        var burst = await Sipp.RunAsync("expect_status.xml", "tcp", sbc.Port, calls: 60, rate: 600, remoteHost: KamailioSbc.Address, localIp: Pbx,
            replacements: new Dictionary<string, string>(replacements) { ["USER"] = "7999", ["STATUS"] = "404" });
        Assert.True(burst.Successful == 60, $"{burst.Successful} of 60 got their 404:\n{burst.Errors}");
    }

    private const string Pbx = "127.0.0.3";

    private static string Tail(string text) => text[^Math.Min(4000, text.Length)..];
}
