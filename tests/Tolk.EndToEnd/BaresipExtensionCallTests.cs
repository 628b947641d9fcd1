using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// Two headless baresip phones on a real `tolk serve`: bob registers over TLS and answers
/// automatically, alice calls sip:bob@demo.tolk.test over UDP; Tolk bridges the signalling only,
/// so the audio goes phone to phone.
/// </summary>
public sealed class BaresipExtensionCallTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task Alice_over_udp_reaches_bob_over_tls_and_bob_hears_her_tone()
    {
        var aliceTone = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav"), 440, 4);
        var bobTone = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.wav"), 1300, 12);
        await using var bob = Baresip.Create(
            $"<sip:bob@demo.tolk.test>;auth_pass={TolkServerProcess.Passwords["bob"]};outbound=\"sip:127.0.0.1:{_server.TlsPort};transport=tls\";regint=600;audio_codecs=PCMU;answermode=auto",
            bobTone);
        await using var alice = Baresip.Create(
            $"<sip:alice@demo.tolk.test>;auth_pass={TolkServerProcess.Passwords["alice"]};outbound=\"sip:127.0.0.1:{_server.UdpPort};transport=udp\";regint=0;audio_codecs=PCMU",
            aliceTone);

        var bobRun = bob.RunAsync(null, seconds: 14);
        await WaitForServerAsync("Registered sip:bob@demo.tolk.test");
        var aliceOutput = await alice.RunAsync("sip:bob@demo.tolk.test", seconds: 7);
        var bobOutput = await bobRun;

        Assert.True(aliceOutput.Contains("Call established", StringComparison.Ordinal), "alice:\n" + aliceOutput + "\nbob:\n" + bobOutput + "\nserver:\n" + _server.Output);
        Assert.Contains("Call established", bobOutput, StringComparison.Ordinal);
        await WaitForServerAsync("answered by");
        await WaitForServerAsync("hung up");

        // Media went directly between the phones: each recorded the other's tone (in its loudest second: alice's
        // 4 s tone fills only part of bob's recording, and a frame slip would lower one level over the whole call).
        var heardByBob = WavAnalysis.Read(bob.HeardWav ?? throw new InvalidOperationException("bob recorded nothing:\n" + bobOutput));
        var heardByAlice = WavAnalysis.Read(alice.HeardWav ?? throw new InvalidOperationException("alice recorded nothing:\n" + aliceOutput));
        var aliceAtBob = WavAnalysis.StrongestToneLevel(heardByBob, 440);
        var bobAtAlice = WavAnalysis.StrongestToneLevel(heardByAlice, 1300);
        Assert.True(aliceAtBob > 0.02, $"bob heard alice's 440 Hz at {aliceAtBob:F4} (1300 Hz: {WavAnalysis.StrongestToneLevel(heardByBob, 1300):F4})");
        Assert.True(bobAtAlice > 0.02, $"alice heard bob's 1300 Hz at {bobAtAlice:F4}");
    }

    private async Task WaitForServerAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!_server.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"server never logged '{text}':\n{_server.Output}");
            await Task.Delay(100);
        }
    }
}
