using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>Real recorded speech (SIPp's g711a.pcap, PCMA) played into a room is heard by a softphone in it.</summary>
public sealed class PcapSpeechTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task A_listener_hears_recorded_speech_played_into_the_room()
    {
        var silence = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"silence-{Guid.NewGuid():N}.wav"), 440, 13, amplitude: 0);
        await using var listener = Baresip.Create(
            $"<sip:listener@example.org>;outbound=\"sip:127.0.0.1:{_server.UdpPort};transport=udp\";regint=0;audio_codecs=PCMU",
            silence);
        var listening = listener.RunAsync("sip:5000@demo.tolk.test", seconds: 15);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var speaker = await Sipp.RunAsync("uac_pcap_speech.xml", "udp", _server.UdpPort, extraArguments: ["-s", "5000"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(speaker.ExitCode == 0 && speaker.Successful == 1, speaker.Errors);
        var output = await listening;

        Assert.Contains("Call established", output, StringComparison.Ordinal);
        var heard = WavAnalysis.Read(listener.HeardWav ?? throw new InvalidOperationException("nothing recorded"));
        // Join/leave cues last a fraction of a second; the recording's speech lasts seconds.
        var active = WavAnalysis.ActiveSeconds(heard, 0.01);
        Assert.True(active > 2.0, $"the listener heard {active:F2} s of sound, expected seconds of speech (RMS {WavAnalysis.Rms(heard):F4})");
        File.Delete(silence);
    }
}
