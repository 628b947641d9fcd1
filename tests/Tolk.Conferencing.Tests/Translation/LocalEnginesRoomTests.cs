using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Media.Mixing;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local;
using Tolk.Speech.Pipeline;
using Tolk.Testing;
using Xunit.Abstractions;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>The real local engines (pocketsphinx, Apertium, espeak-ng) behind a mixer room ticked by hand.</summary>
public sealed class LocalEnginesRoomTests(ITestOutputHelper output)
{
    /// <summary>
    /// The room's pipelines with 20 s engine timeouts instead of the production 4 s / 3 s / 3 s on the real clock: the
    /// test is about what the listeners hear, and a cold Apertium on a busy 2-core machine can miss those budgets.
    /// </summary>
    private sealed class GenerousTimeouts(ISpeakerPipelineFactory inner) : ISpeakerPipelineFactory
    {
        private static readonly TimeSpan Stage = TimeSpan.FromSeconds(20);

        public Task<ISpeakerPipeline> StartAsync(TranslationPipelineOptions options, CancellationToken cancellationToken = default) =>
            inner.StartAsync(options with { RecognitionTimeout = Stage, TranslationTimeout = Stage, SynthesisTimeout = Stage }, cancellationToken);
    }

    [Fact]
    public async Task English_speaker_is_heard_in_Spanish_by_the_Spanish_listener_only()
    {
        var wav = Path.Combine(Path.GetTempPath(), $"tolk-conf-{Environment.ProcessId}-weather.wav");
        using (var flite = Process.Start(new ProcessStartInfo("flite", ["-voice", "slt", "-t", "the weather is nice today", "-o", wav]) { UseShellExecute = false })!)
        {
            await flite.WaitForExitAsync();
        }
        var (raw, rate) = WavFile.Read(wav);
        var speech = PcmResampler.Resample(raw, rate, 16000);

        using var engines = new LocalSpeechEngines(new NullSpeechUsageSink());
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("room", new MixerRoomOptions { JoinLeaveTones = false });
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")], OriginalMixPercent: 0);
        await using var translation = new RoomTranslation(mixer, room, Guid.NewGuid(), new GenerousTimeouts(new EngineSpeakerPipelineFactory(engines.ForPipeline())), new ConferenceTranslationOptions(), NullLogger.Instance, TimeProvider.System);
        var aliceIn = new ScriptedSource();
        var aliceOut = new CaptureSink();
        var bobOut = new CaptureSink();
        var alice = mixer.AddParticipant("alice", aliceIn, aliceOut);
        var bob = mixer.AddParticipant("bob", new ScriptedSource(), bobOut);
        translation.Join(alice, "en", "a");
        translation.Join(bob, "es", "b");
        await TranslationHarness.WaitUntil(() => translation.IsTranslating(alice) && translation.UnavailableReason(bob) is not null, "pipelines");
        output.WriteLine("bob: " + translation.UnavailableReason(bob));

        // Alice's phrase then a second of silence (a phone keeps sending packets while quiet).
        for (var i = 0; i + 320 <= speech.Length; i += 320)
        {
            aliceIn.Frames.Enqueue(speech[i..(i + 320)]);
        }
        for (var i = 0; i < 50; i++)
        {
            aliceIn.Frames.Enqueue(new short[320]);
        }
        var ticks = 0;
        while (!aliceIn.Frames.IsEmpty)
        {
            clock.TickNow();
            ticks++;
        }
        Assert.Equal(0f, bob.GetGainFrom(alice));
        var aliceHeardBefore = aliceOut.Frames.Count;
        var bobHeardBefore = bobOut.Frames.Count;

        // Let the pipeline work, ticking in real time so the queue plays out.
        // Only a bound on polling: a slow machine just waits longer, a broken pipeline still fails.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (translation.Transcript.Count == 0 || translation.QueueFor("es")!.QueuedSamples > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no translation within 60 s");
            clock.TickNow();
            await Task.Delay(2);
        }
        clock.TickNow();

        var entry = Assert.Single(translation.Transcript);
        output.WriteLine($"'{entry.Text}' → '{entry.Translations.GetValueOrDefault("es")}'");
        foreach (var l in translation.Latencies)
        {
            output.WriteLine($"{l.Stage?.ToString() ?? "speech end → mix"} {l.TargetLanguage} {l.Duration.TotalMilliseconds:F0} ms");
        }
        Assert.Contains("weather", entry.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("tiempo", entry.Translations["es"], StringComparison.OrdinalIgnoreCase);

        var bobHeard = bobOut.Frames.Skip(bobHeardBefore).SelectMany(f => f).ToArray();
        var aliceHeard = aliceOut.Frames.Skip(aliceHeardBefore).SelectMany(f => f).ToArray();
        var spokenSamples = bobHeard.Count(s => Math.Abs((int)s) > 300);
        output.WriteLine($"bob heard {spokenSamples / 16000.0:F2} s of translated speech; alice's mix peak {aliceHeard.DefaultIfEmpty().Max(s => Math.Abs((int)s))}");
        Assert.True(spokenSamples > 8000, "Bob hears at least half a second of Spanish speech");
        Assert.All(aliceHeard, s => Assert.Equal(0, s));
        Assert.Contains(translation.Latencies, l => l.Stage is null && l.TargetLanguage == "es");
    }
}
