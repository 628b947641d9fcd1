using System.Diagnostics;
using System.Globalization;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Pipeline;

namespace Tolk.Bench.Speech;

/// <summary>
/// Load driver for the speech pipeline (not a BenchmarkDotNet kernel): speaks N English phrases with flite, feeds
/// them as 20 ms frames to one <see cref="TranslationPipeline"/> (en → es), one phrase at a time, and reports
/// per-stage latency p50/p95, pocketsphinx's real-time factor and CPU per translated speaker.
/// Run: <c>dotnet run -c Release --project bench/Tolk.Bench -- speech-latency [phrases] [--narrow]</c>.
/// </summary>
public static class SpeechLatencyDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var phrases = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var narrow = args.Contains("--narrow"); // through the G.711 call path, as a telephone caller's audio arrives
        var paced = args.Contains("--paced"); // 20 ms frames in real time, as a call delivers them
        Console.WriteLine($"Generating {phrases} phrases with flite ...");
        var clips = (await FlitePhrases.GenerateAsync(phrases)).Select(c => (c.Text, narrow ? FlitePhrases.TelephonePath(c.Audio) : c.Audio)).ToList();

        await MeasureRealTimeFactorAsync(clips);

        // The engines live calls use (Silero VAD when its model is installed).
        using var local = new LocalSpeechEngines(NullSpeechUsageSink.Instance);
        await local.Translator.TranslateAsync("warm up", "en", "es", SpeechContext.None); // start the resident pipeline
        Console.WriteLine($"VAD: {local.Vad.Engine}");
        var engines = local.ForPipeline();
        await using var pipeline = await TranslationPipeline.StartAsync(engines, new TranslationPipelineOptions { SourceLanguage = "en", TargetLanguages = ["es"] });
        var latencies = new Dictionary<PipelineStage, List<double>>();
        var transcripts = 0;
        var phraseDone = new SemaphoreSlim(0);
        var reader = Task.Run(async () =>
        {
            await foreach (var e in pipeline.ReadEventsAsync())
            {
                switch (e)
                {
                    case StageLatency l:
                        (latencies.TryGetValue(l.Stage, out var list) ? list : latencies[l.Stage] = []).Add(l.Duration.TotalMilliseconds);
                        break;
                    case TranscriptEntry:
                        transcripts++;
                        phraseDone.Release();
                        break;
                    case TranslationUnavailable u:
                        Console.WriteLine($"  unavailable: {u.Reason}");
                        phraseDone.Release();
                        break;
                }
            }
        });

        var silence = new short[SpeechAudio.SampleRate * 3 / 4];
        var cpu0 = BenchMeasure.CpuSeconds();
        var wall = Stopwatch.StartNew();
        double audioSeconds = 0, speechSeconds = 0;
        foreach (var (_, audio) in clips)
        {
            short[] input = [.. silence[..4000], .. audio, .. silence];
            audioSeconds += input.Length / (double)SpeechAudio.SampleRate;
            speechSeconds += audio.Length / (double)SpeechAudio.SampleRate;
            var clock = Stopwatch.StartNew();
            for (var o = 0; o + SpeechAudio.FrameSamples <= input.Length; o += SpeechAudio.FrameSamples)
            {
                if (paced)
                {
                    await BenchMeasure.PaceAsync(clock, o + SpeechAudio.FrameSamples);
                }

                await pipeline.PushFrameAsync(input.AsMemory(o, SpeechAudio.FrameSamples));
            }

            // One phrase at a time, so each is measured without queueing behind the previous one.
            await phraseDone.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await pipeline.CompleteAsync();
        await reader;
        var cpu = BenchMeasure.CpuSeconds() - cpu0;
        Console.WriteLine($"Phrases: {phrases}, transcripts: {transcripts}, audio {audioSeconds:F1} s, wall {wall.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine("Stage                  n     p50 ms   p95 ms");
        foreach (var (stage, values) in latencies.OrderBy(kv => kv.Key))
        {
            Console.WriteLine($"{stage,-20} {values.Count,4} {BenchMeasure.Percentile(values, 0.5),9:F0} {BenchMeasure.Percentile(values, 0.95),8:F0}");
        }

        // Per second of the clips themselves (flite's phrases), not of the pauses fed between them.
        Console.WriteLine($"CPU per translated speaker (this process + exited children): {cpu / speechSeconds:F3} CPU-seconds per second of speech, " +
            $"{cpu / audioSeconds:F3} per second of audio with the pauses (≈ {1 / Math.Max(cpu / speechSeconds, 1e-6):F1} continuously talking " +
            "speakers per core); Apertium's resident pipeline is not included.");
        Console.WriteLine($"Load average during the run: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task MeasureRealTimeFactorAsync(List<(string Text, short[] Audio)> clips)
    {
        await using var stream = await new PocketSphinxRecognizer().StartStreamAsync(new RecognitionOptions("en", InterimResults: false), SpeechContext.None);
        var drain = Task.Run(async () =>
        {
            await foreach (var _ in stream.ReadEventsAsync())
            {
            }
        });
        var sw = Stopwatch.StartNew();
        var cpu0 = BenchMeasure.CpuSeconds();
        double seconds = 0;
        foreach (var (_, audio) in clips)
        {
            for (var o = 0; o < audio.Length; o += SpeechAudio.FrameSamples)
            {
                await stream.PushAudioAsync(audio.AsMemory(o, Math.Min(SpeechAudio.FrameSamples, audio.Length - o)));
            }

            await stream.FlushAsync();
            seconds += audio.Length / (double)SpeechAudio.SampleRate;
        }

        await stream.CompleteAsync();
        await drain;
        Console.WriteLine($"pocketsphinx: {seconds:F1} s of audio decoded in {sw.Elapsed.TotalSeconds:F1} s wall, {BenchMeasure.CpuSeconds() - cpu0:F1} CPU-s: " +
            $"RTF {sw.Elapsed.TotalSeconds / seconds:F2} (wall), {(BenchMeasure.CpuSeconds() - cpu0) / seconds:F2} (CPU)");
    }
}
