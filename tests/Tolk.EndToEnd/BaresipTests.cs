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
