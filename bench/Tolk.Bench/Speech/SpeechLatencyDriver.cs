using System.Diagnostics;
using System.Globalization;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local.Apertium;
using Tolk.Speech.Local.Emotion;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Local.Tts;
using Tolk.Speech.Local.Vad;
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
    internal static readonly string[] Sentences =
    [
        "the weather is nice today", "i would like to book a meeting for tomorrow morning", "please send me the report by friday",
        "we need to discuss the budget for next year", "can you hear me clearly", "thank you very much for your help",
        "the project is running late", "let us start the meeting now", "i will call you back in ten minutes",
        "the price of the product has gone up", "where is the nearest train station", "my flight leaves at six in the evening",
        "the children are playing in the garden", "she works at the hospital downtown", "we should order more paper for the office",
        "the new computer is much faster", "please close the door when you leave", "i need a table for four people",
        "the store opens at nine in the morning", "he bought a red car last week", "our team won the game yesterday",
        "the water is very cold", "do you want some coffee", "the book is on the table", "we are going to the beach this weekend",
    ];

    private static readonly string[] s_voices = ["slt", "rms"];

    public static async Task<int> RunAsync(string[] args)
    {
        var phrases = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var narrow = args.Contains("--narrow"); // through the G.711 call path, as a telephone caller's audio arrives
        var dir = Directory.CreateTempSubdirectory("tolk-speech-bench").FullName;
        Console.WriteLine($"Generating {phrases} phrases with flite into {dir} ...");
        var clips = new List<(string Text, short[] Audio)>();
        for (var i = 0; i < phrases; i++)
        {
            var text = Sentences[i % Sentences.Length];
            var path = Path.Combine(dir, $"p{i}.wav");
            using (var p = Process.Start(new ProcessStartInfo("flite") { ArgumentList = { "-voice", s_voices[(i / Sentences.Length) % s_voices.Length], "-t", text, "-o", path } })!)
            {
                await p.WaitForExitAsync();
            }

            var (s, rate) = WavFile.Read(path);
            var wide = PcmResampler.Resample(s, rate, SpeechAudio.SampleRate);
            clips.Add((text, narrow ? AsrTuningDriver.TelephonePath(wide) : wide));
        }

        await MeasureRealTimeFactorAsync(clips);

        using var translator = new ApertiumTranslator();
        await translator.TranslateAsync("warm up", "en", "es", SpeechContext.None); // start the resident pipeline
        var engines = new TranslationEngines(new PocketSphinxRecognizer(), translator, new EspeakSynthesizer(), () => new SpectralVad(), new ProsodyEmotionDetector());
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
        var cpu0 = ProcessCpu.Seconds();
        var wall = Stopwatch.StartNew();
        double audioSeconds = 0;
        foreach (var (_, audio) in clips)
        {
            short[] input = [.. silence[..4000], .. audio, .. silence];
            audioSeconds += input.Length / (double)SpeechAudio.SampleRate;
            for (var o = 0; o + SpeechAudio.FrameSamples <= input.Length; o += SpeechAudio.FrameSamples)
            {
                await pipeline.PushFrameAsync(input.AsMemory(o, SpeechAudio.FrameSamples));
            }

            // One phrase at a time, so each is measured without queueing behind the previous one.
            await phraseDone.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await pipeline.CompleteAsync();
        await reader;
        var cpu = ProcessCpu.Seconds() - cpu0;
        Console.WriteLine($"Phrases: {phrases}, transcripts: {transcripts}, audio {audioSeconds:F1} s, wall {wall.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine("Stage                  n     p50 ms   p95 ms");
        foreach (var (stage, values) in latencies.OrderBy(kv => kv.Key))
        {
            Console.WriteLine($"{stage,-20} {values.Count,4} {ProcessCpu.Percentile(values, 0.5),9:F0} {ProcessCpu.Percentile(values, 0.95),8:F0}");
        }

        Console.WriteLine($"CPU per translated speaker (this process + exited children): {cpu / audioSeconds:F3} CPU-seconds per second of speech " +
            $"(≈ {1 / Math.Max(cpu / audioSeconds, 1e-6):F1} continuously talking speakers per core); Apertium's resident pipeline is not included.");
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
        var cpu0 = ProcessCpu.Seconds();
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
        Console.WriteLine($"pocketsphinx: {seconds:F1} s of audio decoded in {sw.Elapsed.TotalSeconds:F1} s wall, {ProcessCpu.Seconds() - cpu0:F1} CPU-s: " +
            $"RTF {sw.Elapsed.TotalSeconds / seconds:F2} (wall), {(ProcessCpu.Seconds() - cpu0) / seconds:F2} (CPU)");
    }
}
