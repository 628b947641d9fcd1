using System.Globalization;
using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>SIP over IPv6 (RFC 5118 references in Via and Contact), with SIPp as the peer.</summary>
public sealed class Ipv6Tests
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Options_and_a_call_over_ipv6(string transport)
    {
        var port = FreePorts.Next();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var server = await TolkServerProcess.StartAsync(extraArguments: ["--sip-udp", $"[::1]:{p}", "--sip-tcp", $"[::1]:{p}"]);
        Assert.Contains($"SIP listening on {transport}:[::1]:{p}", server.Output, StringComparison.Ordinal);

        var options = await Sipp.RunAsync("options.xml", transport, port, remoteHost: "[::1]", localIp: "::1");
        Assert.True(options.ExitCode == 0 && options.Successful == 1, options.Errors + options.Output);
        var call = await Sipp.RunAsync("invite_ack_bye.xml", transport, port, extraArguments: ["-s", "5000"], remoteHost: "[::1]", localIp: "::1");
        Assert.True(call.ExitCode == 0 && call.Successful == 1, call.Errors + "\n" + server.Output[^Math.Min(3000, server.Output.Length)..]);
    }
}
