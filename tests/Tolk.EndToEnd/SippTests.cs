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

    private static string[] Credentials(string user, string password) => ["-au", user, "-ap", password];

    private string Describe(Sipp.Result r) =>
        $"sipp exit {r.ExitCode}, ok {r.Successful}, failed {r.Failed}\nerrors:\n{r.Errors}\nsipp output:\n{Tail(r.Output)}\nserver output:\n{Tail(_server.Output)}";

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}
