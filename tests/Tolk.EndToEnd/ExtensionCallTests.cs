using System.Globalization;
using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// Calls between two extensions of the demo tenant through a real `tolk serve`, with two SIPp
/// instances: one registers as the callee and then plays its phone (UAS), the other is alice (UAC).
/// </summary>
public sealed class ExtensionCallTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task Alice_calls_bob_who_answers_then_alice_hangs_up()
    {
        var (caller, callee) = await CallAsync("bob", "ext_callee_answer.xml", "ext_caller_call.xml");
        // The caller got the relayed 180 and bob's own SDP answer; bob got alice's offer unchanged,
        // the ACK and the BYE that Tolk relayed.
        Assert.True(caller.ExitCode == 0 && caller.Successful == 1, Describe("caller", caller));
        Assert.True(callee.ExitCode == 0 && callee.Successful == 1, Describe("callee", callee));
    }

    [Fact]
    public async Task Bob_hangs_up_and_alice_gets_the_bye()
    {
        var (caller, callee) = await CallAsync("bob", "ext_callee_hangup.xml", "ext_caller_hungup.xml");
        Assert.True(caller.ExitCode == 0 && caller.Successful == 1, Describe("caller", caller));
        Assert.True(callee.ExitCode == 0 && callee.Successful == 1, Describe("callee", callee));
    }

    [Fact]
    public async Task Alice_cancels_while_bob_rings()
    {
        var (caller, callee) = await CallAsync("bob", "ext_callee_ring.xml", "ext_caller_cancel.xml");
        // The caller got 200 for its CANCEL and 487 for its INVITE; bob's phone got a CANCEL of
        // its own INVITE and the ACK of its 487.
        Assert.True(caller.ExitCode == 0 && caller.Successful == 1, Describe("caller", caller));
        Assert.True(callee.ExitCode == 0 && callee.Successful == 1, Describe("callee", callee));
    }

    [Theory]
    [InlineData("486", "Busy Here")]
    [InlineData("603", "Decline")]
    public async Task A_refusal_of_the_callee_reaches_the_caller(string status, string reason)
    {
        var (caller, callee) = await CallAsync("bob", "ext_callee_refuse.xml", "ext_caller_expect.xml", new Dictionary<string, string>
        {
            ["STATUS"] = status,
            ["REASON"] = reason,
        });
        Assert.True(caller.ExitCode == 0 && caller.Successful == 1, Describe("caller", caller));
        Assert.True(callee.ExitCode == 0 && callee.Successful == 1, Describe("callee", callee));
    }

    [Fact]
    public async Task An_extension_without_registration_is_temporarily_unavailable()
    {
        var result = await Sipp.RunAsync("ext_caller_expect.xml", "udp", _server.UdpPort, extraArguments: Credentials("alice"), replacements: new Dictionary<string, string>
        {
            ["CALLEE"] = "carol",
            ["STATUS"] = "480",
        });
        Assert.True(result.ExitCode == 0 && result.Successful == 1, Describe("caller", result));
    }

    /// <summary>
    /// Registers <paramref name="callee"/> from a fresh UDP port, runs its phone scenario on that port
    /// and alice's call against the server, then removes the binding again.
    /// </summary>
    private async Task<(Sipp.Result Caller, Sipp.Result Callee)> CallAsync(string callee, string calleeScenario, string callerScenario, Dictionary<string, string>? extra = null)
    {
        var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var replacements = new Dictionary<string, string>(extra ?? []) { ["CALLEE"] = callee };
        var registered = await Register(callee, port, expires: 300);
        Assert.True(registered.ExitCode == 0 && registered.Successful == 1, Describe("register", registered));
        try
        {
            var phone = Sipp.RunAsync(calleeScenario, "udp", _server.UdpPort, extraArguments: ["-p", port], replacements: replacements);
            // Let the phone's SIPp bind its port before the INVITE reaches it.
            await Task.Delay(TimeSpan.FromMilliseconds(700));
            var caller = await Sipp.RunAsync(callerScenario, "udp", _server.UdpPort, extraArguments: Credentials("alice"), replacements: replacements);
            return (caller, await phone);
        }
        finally
        {
            await Register(callee, port, expires: 0);
        }
    }

    private Task<Sipp.Result> Register(string user, string port, int expires) =>
        Sipp.RunAsync("ext_register.xml", "udp", _server.UdpPort, injection: user, extraArguments: [.. Credentials(user), "-p", port], replacements: new Dictionary<string, string>
        {
            ["EXPIRES"] = expires.ToString(CultureInfo.InvariantCulture),
        });

    private static string[] Credentials(string user) => ["-au", user, "-ap", TolkServerProcess.Passwords[user]];

    private string Describe(string who, Sipp.Result r) =>
        $"{who}: sipp exit {r.ExitCode}, ok {r.Successful}, failed {r.Failed}\nerrors:\n{r.Errors}\nsipp output:\n{Tail(r.Output)}\nserver output:\n{Tail(_server.Output)}";

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;
}
