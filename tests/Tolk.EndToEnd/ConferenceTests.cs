using Tolk.EndToEnd.Infrastructure;

namespace Tolk.EndToEnd;

/// <summary>
/// Three real softphones in one room, each on another transport, security and codec, each playing its
/// own tone: every one must hear the other two and never itself (mix-minus), over SRTP where asked.
/// </summary>
public sealed class ConferenceTests(UntranslatedTolkServerFixture fixture) : IClassFixture<UntranslatedTolkServerFixture>
{
    private readonly TolkServerProcess _server = fixture.Server;

    private sealed record Party(string Name, double Tone, string Account, int SampleRate = 8000);

    [Fact]
    public async Task Three_callers_each_hear_the_other_two_and_not_themselves()
    {
        var dir = Directory.CreateTempSubdirectory("conf-").FullName;
        Party[] parties =
        [
            new("udp-pcmu", 440, $"<sip:guest1@example.org>;outbound=\"sip:127.0.0.1:{_server.UdpPort};transport=udp\";regint=0;audio_codecs=PCMU"),
            new("tls-srtp-pcma", 1000, $"<sip:alice@demo.tolk.test>;auth_pass={TolkServerProcess.Passwords["alice"]};outbound=\"sip:127.0.0.1:{_server.TlsPort};transport=tls\";regint=0;audio_codecs=PCMA;mediaenc=srtp-mand"),
            new("tls-srtp-g722", 1700, $"<sip:bob@demo.tolk.test>;auth_pass={TolkServerProcess.Passwords["bob"]};outbound=\"sip:127.0.0.1:{_server.TlsPort};transport=tls\";regint=0;audio_codecs=G722/16000/1;mediaenc=srtp-mand", 16000),
        ];
        var phones = parties.Select(p => Baresip.Create(p.Account, WavAnalysis.WriteTone(Path.Combine(dir, p.Name + ".wav"), p.Tone, 7, sampleRate: p.SampleRate))).ToList();
        try
        {
            var outputs = await Task.WhenAll(phones.Select(ph => ph.RunAsync("sip:5000@demo.tolk.test", seconds: 9)));
            var all = string.Join("\n", parties.Select((p, i) => p.Name + ": " + (phones[i].HeardWav is { } w ? string.Join(", ", parties.Select(q => $"{q.Name}={WavAnalysis.StrongestToneLevel(WavAnalysis.Read(w), q.Tone):F4}")) : "nothing")));
            for (var i = 0; i < parties.Length; i++)
            {
                Assert.True(outputs[i].Contains("Call established", StringComparison.Ordinal), $"{parties[i].Name} did not connect:\n{outputs[i]}\nserver:\n{_server.Output}");
                var heard = WavAnalysis.Read(phones[i].HeardWav ?? throw new InvalidOperationException($"{parties[i].Name} recorded nothing"));
                // Each tone in its loudest second: the others join at different moments and frames may slip.
                var levels = parties.ToDictionary(p => p.Name, p => WavAnalysis.StrongestToneLevel(heard, p.Tone));
                var report = string.Join(", ", levels.Select(kv => $"{kv.Key}={kv.Value:F4}"));
                for (var j = 0; j < parties.Length; j++)
                {
                    if (i == j)
                    {
                        Assert.True(levels[parties[j].Name] < 0.005, $"{parties[i].Name} heard itself: {report}");
                    }
                    else
                    {
                        Assert.True(levels[parties[j].Name] > 0.02, $"{parties[i].Name} did not hear {parties[j].Name}: {report}\nall:\n{all}\n{outputs[2]}");
                    }
                }
            }
        }
        finally
        {
            foreach (var p in phones)
            {
                await p.DisposeAsync();
            }
            Directory.Delete(dir, recursive: true);
        }
    }
}
