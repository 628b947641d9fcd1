using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Media;
using Tolk.Media.Codecs;
using Tolk.Server.Hosting;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local;
using Tolk.Speech.Pipeline;

namespace Tolk.Server.Demo;

/// <summary>
/// `tolk demo translate`: starts a Tolk server on loopback with the demo tenant, places two real SIP calls into
/// its bilingual room — alice speaking English from a WAV, bob listening in Spanish — and writes what bob heard,
/// what alice heard and the room's transcript, printing the latency of each stage.
/// </summary>
public static class DemoTranslateCommand
{
    private const string DefaultText = "The weather is nice today. I would like a cup of coffee.";

    public static Command Create()
    {
        var wav = new Option<FileInfo?>("--wav") { Description = "English speech for alice (WAV, mono). Default: synthesised from --text." };
        var text = new Option<string>("--text") { Description = "What alice says when no --wav is given.", DefaultValueFactory = _ => DefaultText };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write the recordings and the transcript.", DefaultValueFactory = _ => new DirectoryInfo("demo-translate") };
        var codec = new Option<string>("--speaker-codec") { Description = "alice's codec: G722 (wideband) or PCMU/PCMA (telephone band).", DefaultValueFactory = _ => "G722" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data directory of the demo server (default: a new temporary one)." };

        var demo = new Command("demo", "Demonstrations that run end to end on this machine.");
        var translate = new Command("translate", "Two real SIP calls into the demo room: English in, Spanish heard.");
        foreach (var o in new Option[] { wav, text, output, codec, data })
        {
            translate.Options.Add(o);
        }
        translate.SetAction(async (p, ct) => await RunAsync(p.GetValue(wav), p.GetValue(text)!, p.GetValue(output)!, p.GetValue(codec)!, p.GetValue(data), ct));
        demo.Subcommands.Add(translate);
        return demo;
    }

    private static async Task<int> RunAsync(FileInfo? wav, string text, DirectoryInfo output, string codecName, DirectoryInfo? data, CancellationToken ct)
    {
        if (!CodecRegistry.TryGetInfo(codecName, 8000, out var codec) || codec.StaticPayloadType < 0)
        {
            Console.Error.WriteLine($"--speaker-codec must be G722, PCMU or PCMA, not '{codecName}'.");
            return 2;
        }
        output.Create();
        var speech = await LoadSpeechAsync(wav, text, ct);
        var dataDir = data?.FullName ?? Path.Combine(Path.GetTempPath(), "tolk-demo-" + Guid.NewGuid().ToString("N")[..8]);
        var sipPort = FreeTcpUdpPort();
        var overrides = new Dictionary<string, string?>
        {
            ["Sip:Udp:0"] = $"127.0.0.1:{sipPort}",
            ["Http:Listen"] = $"127.0.0.1:{FreeTcpUdpPort()}",
            ["DataDirectory"] = dataDir,
            ["Logging:LogLevel:Default"] = "Warning",
            // The demo's phones do not register or authenticate: the accounts only need some password.
            ["Demo:Passwords:alice"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)),
            ["Demo:Passwords:bob"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)),
            ["Demo:Passwords:carol"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)),
        };
        await using var app = TolkServer.Build(null, overrides);
        await TolkServer.InitializeAsync(app, TextWriter.Null, ct);
        await app.StartAsync(ct);
        try
        {
            return await RunCallsAsync(app, speech, codec, sipPort, output, ct);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            if (data is null)
            {
                TryDelete(dataDir);
            }
        }
    }

    private static async Task<int> RunCallsAsync(WebApplication app, short[] speech, AudioCodecInfo codec, int sipPort, DirectoryInfo output, CancellationToken ct)
    {
        var options = app.Services.GetRequiredService<TolkServerOptions>();
        var catalog = app.Services.GetRequiredService<ITenantCatalog>();
        var translation = app.Services.GetRequiredService<ConferenceTranslation>();
        var domain = options.Demo.Domain;
        var tenant = catalog.FindByDomain(domain) ?? throw new InvalidOperationException($"The demo tenant {domain} is missing.");
        var room = catalog.FindRoom(tenant.Id, "5000") ?? throw new InvalidOperationException("The demo room 5000 is missing.");
        var server = new IPEndPoint(IPAddress.Loopback, sipPort);
        var target = $"sip:5000@{domain}";

        Console.WriteLine($"Tolk demo server on udp:{server}; room 5000 of {domain} ({string.Join(" + ", room.Languages?.Select(l => l.Code) ?? [])})");
        await using var bob = await DemoPhone.OpenAsync("bob", CodecRegistry.Pcmu, ct);
        await using var alice = await DemoPhone.OpenAsync("alice", codec, ct);
        Check(await bob.DialAsync(target, server, domain, ct), "bob");
        Console.WriteLine("bob (Spanish, PCMU) joined room 5000");
        Check(await alice.DialAsync(target, server, domain, ct), "alice");
        Console.WriteLine($"alice (English, {codec.EncodingName}) joined room 5000");

        // Let the join tones pass and the speech pipeline load its models before alice speaks.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        Console.WriteLine($"alice speaks {speech.Length / 16000.0:F1} s of English …");
        var spoke = DateTimeOffset.UtcNow;
        await alice.PlayAsync([.. speech, .. new short[16000 * 4]], ct);
        var transcript = await WaitForTranscriptAsync(translation, tenant.Id, room.Id, spoke, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);

        await alice.HangUpAsync(ct);
        await bob.HangUpAsync(ct);
        var heardByBob = bob.Heard();
        var heardByAlice = alice.Heard();
        WavFile.Write(Path.Combine(output.FullName, "bob-heard-es.wav"), heardByBob, AudioFormat.SampleRate);
        WavFile.Write(Path.Combine(output.FullName, "alice-heard.wav"), heardByAlice, AudioFormat.SampleRate);
        WavFile.Write(Path.Combine(output.FullName, "alice-said-en.wav"), speech, AudioFormat.SampleRate);
        await File.WriteAllTextAsync(Path.Combine(output.FullName, "transcript.json"), JsonSerializer.Serialize(transcript.Select(t => new
        {
            t.SpeakerId,
            t.Language,
            t.Text,
            t.Translations,
            Emotion = t.Emotion?.Label.ToString(),
            t.SpeechStart,
            t.SpeechEnd,
        }), JsonOptions), ct);

        Console.WriteLine();
        if (transcript.Count == 0)
        {
            Console.WriteLine("No transcript: nothing was recognised (is pocketsphinx-en-us installed?).");
        }
        foreach (var line in transcript)
        {
            Console.WriteLine($"alice [{line.Language}]: {line.Text}");
            foreach (var (language, translated) in line.Translations)
            {
                Console.WriteLine($"   → [{language}]: {translated}");
            }
        }
        PrintLatencies(translation.Find(tenant.Id, room.Id)?.Latencies ?? []);
        Console.WriteLine();
        Console.WriteLine($"bob heard {Seconds(heardByBob)} of audio, {SpeechSeconds(heardByBob)} of it above speech level → {Path.Combine(output.FullName, "bob-heard-es.wav")}");
        Console.WriteLine($"alice heard {SpeechSeconds(heardByAlice)} above speech level (her own translation is never sent to her) → {Path.Combine(output.FullName, "alice-heard.wav")}");
        Console.WriteLine($"transcript → {Path.Combine(output.FullName, "transcript.json")}");
        return transcript.Count > 0 ? 0 : 1;
    }

    private static async Task<IReadOnlyList<TranscriptEntry>> WaitForTranscriptAsync(ConferenceTranslation translation, Guid tenantId, Guid roomId, DateTimeOffset since, CancellationToken ct)
    {
        // Up to 30 s: a cold or busy machine may take several seconds per phrase; a ready transcript returns at once.
        IReadOnlyList<TranscriptEntry> lines = [];
        for (var i = 0; i < 300; i++)
        {
            lines = translation.GetTranscript(tenantId, roomId).Where(t => t.Timestamp >= since).ToList();
            if (lines.Count > 0 && lines.All(l => l.Translations.Count > 0))
            {
                break;
            }
            await Task.Delay(100, ct);
        }
        return lines;
    }

    private static void PrintLatencies(IReadOnlyList<TranslationLatency> latencies)
    {
        if (latencies.Count == 0)
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine("Latency per phrase (end of alice's phrase → …):");
        foreach (var phrase in latencies.GroupBy(l => l.PhraseId).OrderBy(g => g.Key))
        {
            var parts = phrase.Select(l => $"{(l.Stage?.ToString() ?? "first frame in bob's mix")}{(l.TargetLanguage is { } t ? " " + t : "")} {l.Duration.TotalMilliseconds:F0} ms");
            Console.WriteLine($"  phrase {phrase.Key}: {string.Join(", ", parts)}");
        }
    }

    private static async Task<short[]> LoadSpeechAsync(FileInfo? wav, string text, CancellationToken ct)
    {
        if (wav is not null)
        {
            var (samples, rate) = WavFile.Read(wav.FullName);
            return rate == AudioFormat.SampleRate ? samples : PcmResampler.Resample(samples, rate, AudioFormat.SampleRate);
        }
        using var engines = new LocalSpeechEngines(NullSpeechUsageSink.Instance);
        var all = new List<short>();
        var sampleRate = AudioFormat.SampleRate;
        await foreach (var chunk in engines.Synthesizer.SynthesizeAsync(text, "en", new VoiceSettings(), SpeechContext.None, ct))
        {
            all.AddRange(chunk.Samples);
            sampleRate = chunk.SampleRate;
        }
        return sampleRate == AudioFormat.SampleRate ? [.. all] : PcmResampler.Resample(all.ToArray(), sampleRate, AudioFormat.SampleRate);
    }

    private static void Check(int status, string who)
    {
        if (status is < 200 or >= 300)
        {
            throw new InvalidOperationException($"{who}'s call was refused with {status}.");
        }
    }

    private static string Seconds(short[] pcm) => (pcm.Length / (double)AudioFormat.SampleRate).ToString("F1", CultureInfo.InvariantCulture) + " s";

    private static string SpeechSeconds(short[] pcm)
    {
        // 20 ms frames whose RMS is above the level of quiet speech; join/leave tones are short.
        var frames = 0;
        for (var i = 0; i + 320 <= pcm.Length; i += 320)
        {
            double sum = 0;
            for (var j = i; j < i + 320; j++)
            {
                sum += (double)pcm[j] * pcm[j];
            }
            if (Math.Sqrt(sum / 320) > 500)
            {
                frames++;
            }
        }
        return (frames * 0.02).ToString("F1", CultureInfo.InvariantCulture) + " s";
    }

    private static int FreeTcpUdpPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("No free loopback port.");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // A file for people to read: keep accented letters as they are.
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
