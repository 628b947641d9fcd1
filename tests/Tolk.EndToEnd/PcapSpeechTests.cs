using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// SIPp plays captures into a room while a softphone in it records: real recorded speech (SIPp's g711a.pcap,
/// PCMA) is heard, and `*6` keyed in a capture (RFC 4733 events) mutes and unmutes the caller.
/// </summary>
public sealed class PcapSpeechTests(TolkServerFixture fixture) : IClassFixture<TolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    [Fact]
    public async Task A_listener_hears_recorded_speech_played_into_the_room()
    {
        var heard = await ListenWhileSippPlaysAsync("/usr/share/sip-tester/g711a.pcap", pauseMs: 9000, listenSeconds: 15);

        // Join/leave cues last a fraction of a second; the recording's speech lasts seconds.
        var active = WavAnalysis.ActiveSeconds(heard, 0.01);
        Assert.True(active > 2.0, $"the listener heard {active:F2} s of sound, expected seconds of speech (RMS {WavAnalysis.Rms(heard):F4})");
    }

    [Theory]
    [InlineData('6', 3.2, 4.8)] // 2 s tone, *6 (mute), 2 s nobody may hear, *6 (unmute), 2 s heard again
    [InlineData('5', 5.2, 6.8)] // *5 is no command: all 6 s are heard
    public async Task Star_six_from_a_capture_mutes_and_unmutes_the_caller(char key, double minSeconds, double maxSeconds)
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"mute-{Guid.NewGuid():N}.pcap");
        new RtpPcap().Tone(1000, 2).Digit('*').Digit(key).Tone(1000, 2).Digit('*').Digit(key).Tone(1000, 2).Save(pcap);
        try
        {
            var heard = await ListenWhileSippPlaysAsync(pcap, pauseMs: 8000, listenSeconds: 14);
            var tone = ToneSeconds(heard, 1000);
            Assert.True(tone > minSeconds && tone < maxSeconds, $"the listener heard the caller's tone for {tone:F2} s; expected {minSeconds}–{maxSeconds} s");
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    private async Task<WavAnalysis.Pcm> ListenWhileSippPlaysAsync(string pcap, int pauseMs, int listenSeconds)
    {
        var silence = WavAnalysis.WriteTone(Path.Combine(Path.GetTempPath(), $"silence-{Guid.NewGuid():N}.wav"), 440, listenSeconds - 2, amplitude: 0);
        try
        {
            await using var listener = Baresip.Create(
                $"<sip:listener@example.org>;outbound=\"sip:127.0.0.1:{_server.UdpPort};transport=udp\";regint=0;audio_codecs=PCMU",
                silence);
            var listening = listener.RunAsync("sip:5000@demo.tolk.test", seconds: listenSeconds);
            await Task.Delay(TimeSpan.FromSeconds(2));

            var speaker = await Sipp.RunAsync("uac_pcap_play.xml", "udp", _server.UdpPort, extraArguments: ["-s", "5000"], timeout: TimeSpan.FromSeconds(60),
                replacements: new Dictionary<string, string> { ["PCAP"] = pcap, ["PAUSE_MS"] = pauseMs.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Assert.True(speaker.ExitCode == 0 && speaker.Successful == 1, speaker.Errors);
            var output = await listening;
            Assert.Contains("Call established", output, StringComparison.Ordinal);
            return WavAnalysis.Read(listener.HeardWav ?? throw new InvalidOperationException("nothing recorded"));
        }
        finally
        {
            File.Delete(silence);
        }
    }

    /// <summary>Seconds of 20 ms frames in which <paramref name="frequency"/> dominates and is loud.</summary>
    private static double ToneSeconds(WavAnalysis.Pcm pcm, double frequency)
    {
        var frame = pcm.SampleRate / 50;
        var seconds = 0.0;
        for (var start = 0; start + frame <= pcm.Samples.Length; start += frame)
        {
            var slice = new WavAnalysis.Pcm(pcm.SampleRate, pcm.Samples[start..(start + frame)]);
            var level = WavAnalysis.ToneLevel(slice, frequency);
            if (level > 0.02 && level > 0.5 * WavAnalysis.Rms(slice))
            {
                seconds += 0.02;
            }
        }
        return seconds;
    }
}
