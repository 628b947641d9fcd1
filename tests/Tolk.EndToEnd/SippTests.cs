using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>SIPp (Debian sip-tester) as a real UAC against a real `tolk serve`, over UDP and TCP.</summary>
public sealed class SippTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    private int Port(string transport) => transport == "tcp" ? _server.TcpPort : _server.UdpPort;

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Options_is_answered_with_capabilities(string transport)
    {
        var result = await Sipp.RunAsync("options.xml", transport, Port(transport));
        Assert.True(result.ExitCode == 0 && result.Successful == 1, Describe(result));
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Register_with_digest_authentication(string transport)
    {
        var result = await Sipp.RunAsync("register_digest.xml", transport, Port(transport), injection: "alice", extraArguments: Credentials("alice", TolkServerProcess.Passwords["alice"]));
        Assert.True(result.ExitCode == 0 && result.Successful == 1, Describe(result));
    }

    [Fact]
    public async Task Register_with_a_wrong_password_is_refused()
    {
        var result = await Sipp.RunAsync("register_digest.xml", "udp", _server.UdpPort, injection: "alice", extraArguments: Credentials("alice", "not-the-password"));
        Assert.Equal(0, result.Successful);
        Assert.Contains("received 'SIP/2.0 401", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_as_another_tenant_user_is_refused()
    {
        // bob's valid credentials may not register alice's address-of-record (403).
        var result = await Sipp.RunAsync("register_digest.xml", "udp", _server.UdpPort, injection: "alice", extraArguments: Credentials("bob", TolkServerProcess.Passwords["bob"]));
        Assert.Equal(0, result.Successful);
        Assert.Contains("received 'SIP/2.0 403", result.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Invite_ack_bye_into_the_demo_room(string transport)
    {
        var result = await Sipp.RunAsync("invite_ack_bye.xml", transport, Port(transport), calls: 5, rate: 5, extraArguments: ["-s", "5000"]);
        Assert.True(result.ExitCode == 0 && result.Successful == 5, Describe(result));
    }

    [Theory]
    [InlineData("404", "5000", "unknown.tolk.test")]
    [InlineData("404", "7777", "demo.tolk.test")]
    [InlineData("401", "bob", "demo.tolk.test")]
    public async Task Invites_that_must_be_refused(string status, string user, string domain)
    {
        var result = await Sipp.RunAsync("expect_status.xml", "udp", _server.UdpPort, replacements: new Dictionary<string, string>
        {
            ["STATUS"] = status,
            ["USER"] = user,
            ["DOMAIN"] = domain,
        });
        Assert.True(result.ExitCode == 0 && result.Successful == 1, Describe(result));
    }

    [Fact]
    public async Task A_language_keyed_on_the_menu_is_where_a_trunk_callers_next_call_starts_and_a_bare_number_is_not_remembered()
    {
        // A tenant whose PBX trunk sends from this machine, with a bilingual room; its callers present their numbers.
        var domain = $"pbx{Guid.NewGuid():N}"[..12] + ".tolk.test";
        using var http = await AdminApi.SignInAsync(_server);
        var tenant = await AdminApi.PostAsync(http, "api/tenants", new { name = "Trunked", domains = new[] { domain } });
        var tenantId = tenant.GetProperty("id").GetString();
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/rooms", new { name = "Sales", extension = "7100", languages = new[] { new { code = "en" }, new { code = "es" } } });
        await AdminApi.PostAsync(http, $"api/tenants/{tenantId}/trunks", new { name = "Office PBX", allowedAddresses = new[] { "127.0.0.1", "::1" } });

        // The PBX connects over TCP: a connection proves the address it comes from.
        var caller = "+3225550" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var viaTrunk = await KeyOnTheMenuTwiceAsync(domain, "7100", caller, "tcp");
        Assert.Equal("es", viaTrunk);

        // A UDP datagram's source address can be forged: from the trunk's address over UDP the number is only a claim.
        var overUdp = await KeyOnTheMenuTwiceAsync(domain, "7100", "+3225552" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture), "udp");
        Assert.Equal("en", overUdp);

        // The same kind of caller straight into the demo tenant, which has no trunk: its From is only a claim, so
        // keying *2 switches that call but the next call is guessed again.
        var bare = await KeyOnTheMenuTwiceAsync(TolkServerProcess.Domain, "5000", "+3225551" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture), "tcp");
        Assert.Equal("en", bare);
    }

    /// <summary>Calls a bilingual room, keys *2 (English → Spanish), calls again keying nothing, and returns the language the second call joined in.</summary>
    private async Task<string> KeyOnTheMenuTwiceAsync(string domain, string extension, string caller, string transport)
    {
        var from = _server.Output.Length;
        var first = await Sipp.RunAsync("uac_dtmf.xml", transport, Port(transport), extraArguments: ["-s", extension],
            replacements: new Dictionary<string, string> { ["CALLER"] = caller, ["DIGITS"] = "*2", ["PAUSE_MS"] = "2000", ["DOMAIN"] = domain });
        Assert.True(first.ExitCode == 0 && first.Successful == 1, Describe(first));
        var switched = await LoggedAsync($@"Room {extension}: (\w+) switched from en to es", from);
        Assert.True(switched.Success, Describe(first));

        // '#' alone picks nothing.
        var second = await Sipp.RunAsync("uac_dtmf.xml", transport, Port(transport), extraArguments: ["-s", extension],
            replacements: new Dictionary<string, string> { ["CALLER"] = caller, ["DIGITS"] = "#", ["PAUSE_MS"] = "500", ["DOMAIN"] = domain });
        Assert.True(second.ExitCode == 0 && second.Successful == 1, Describe(second));
        var joined = await LoggedAsync($@"Room {extension}: (\w+) joined speaking (\w+)", switched.Index);
        Assert.True(joined.Success, Describe(second));
        Assert.NotEqual(switched.Groups[1].Value, joined.Groups[1].Value);
        return joined.Groups[2].Value;
    }

    /// <summary>The server's first log line from <paramref name="from"/> on that matches, waiting up to 10 s for it (logging is asynchronous).</summary>
    private async Task<System.Text.RegularExpressions.Match> LoggedAsync(string pattern, int from)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var match = regex.Match(_server.Output, from);
            if (match.Success || DateTime.UtcNow > deadline)
            {
                return match;
            }
            await Task.Delay(100);
        }
    }

    private static string[] Credentials(string user, string password) => ["-au", user, "-ap", password];

    private string Describe(Sipp.Result r) =>
        $"sipp exit {r.ExitCode}, ok {r.Successful}, failed {r.Failed}\nerrors:\n{r.Errors}\nsipp output:\n{Tail(r.Output)}\nserver output:\n{Tail(_server.Output)}";

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}
