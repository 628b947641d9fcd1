using System.Diagnostics;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Text;

namespace Tolk.Bench.Speech;

/// <summary>
/// Decoder settings against each other on the same clips: WER, time from the end of the audio to the final result
/// (what the caller waits for after the endpoint), and CPU per second of audio. Wideband clips are flite at 16 kHz;
/// narrowband clips go through the G.711 µ-law call path (16 → 8 kHz, µ-law, 8 → 16 kHz). Each clip is the first
/// phrase of a fresh stream, as for a new speaker.
/// Run: <c>dotnet run -c Release --project bench/Tolk.Bench -- asr-tuning [clips] [--band wide|narrow] [--corpus=business] ["-arg value ..." ...]</c>
/// [--paced] (each quoted argument string is one variant; without any, a built-in set is compared). A <c>vocabulary=N</c>
/// token sets <see cref="PocketSphinxOptions.VocabularySize"/> (0 = the whole dictionary), <c>block=N</c>
/// <see cref="PocketSphinxOptions.DecodeBlockFrames"/>. <c>--paced</c> pushes the 20 ms frames in real time, as a call does.
/// </summary>
public static class AsrTuningDriver
{
    private static readonly (string Name, string[] Args)[] s_variants =
    [
        ("default", []),
        ("-fwdflat no", ["-fwdflat", "no"]),
        ("-bestpath no", ["-bestpath", "no"]),
        ("-fwdflat no -bestpath no", ["-fwdflat", "no", "-bestpath", "no"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var bands = new[] { "wide", "narrow" };
        var variants = s_variants.ToList();
        var rest = args.Skip(1).ToList();
        if (rest.IndexOf("--band") is >= 0 and var b && b + 1 < rest.Count)
        {
            bands = [rest[b + 1]];
            rest.RemoveRange(b, 2);
        }

        // --paced: 20 ms frames arrive in real time, as from a call (the decoder's caches go cold between them).
        var paced = rest.Remove("--paced");

        var sentences = FlitePhrases.Sentences;
        if (rest.Remove("--corpus=business"))
        {
            sentences = FlitePhrases.BusinessSentences;
        }

        if (rest.Count > 0)
        {
            variants = [.. rest.Select(v => (v, v.Split(' ', StringSplitOptions.RemoveEmptyEntries)))];
        }

        var clips = (await FlitePhrases.GenerateAsync(count, sentences)).Select(c => (c.Text, Wide: c.Audio, Narrow: FlitePhrases.TelephonePath(c.Audio))).ToList();
        Console.WriteLine($"{count} clips, {clips.Sum(c => c.Wide.Length) / (double)SpeechAudio.SampleRate:F1} s of speech; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("band    variant                                  WER      end→final p50 / p95 ms   CPU-s per s of audio");
        foreach (var band in bands)
        {
            foreach (var (name, extra) in variants)
            {
                var options = new PocketSphinxOptions { Bandwidth = band == "wide" ? AudioBandwidth.Wideband : AudioBandwidth.Narrowband };
                foreach (var a in extra)
                {
                    if (a.StartsWith("vocabulary=", StringComparison.Ordinal))
                    {
                        options.VocabularySize = int.Parse(a["vocabulary=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else if (a.StartsWith("block=", StringComparison.Ordinal))
                    {
                        options.DecodeBlockFrames = int.Parse(a["block=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        options.ExtraArguments.Add(a);
                    }
                }

                var r = await MeasureAsync(new PocketSphinxRecognizer(options), clips.Select(c => (c.Text, band == "wide" ? c.Wide : c.Narrow)).ToList(), paced);
                Console.WriteLine($"{band,-7} {name,-40} {r.Wer,6:P1}   {BenchMeasure.Percentile(r.FinalMs, 0.5),8:F0} / {BenchMeasure.Percentile(r.FinalMs, 0.95),6:F0}        {r.CpuPerSecond:F3}");
            }
        }

        return 0;
    }

    internal static async Task<(double Wer, List<double> FinalMs, double CpuPerSecond)> MeasureAsync(ISpeechRecognizer recognizer, List<(string Text, short[] Audio)> clips, bool paced = false)
    {
        int errors = 0, words = 0;
        var finalMs = new List<double>();
        double audioSeconds = 0, cpu = 0;
        foreach (var (text, audio) in clips)
        {
            await using var stream = await recognizer.StartStreamAsync(new RecognitionOptions("en", InterimResults: true), SpeechContext.None);
            var final = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = Task.Run(async () =>
            {
                var last = string.Empty;
                await foreach (var e in stream.ReadEventsAsync())
                {
                    if (e is FinalResultEvent f)
                    {
                        last = f.Text;
                    }
                    else if (e is SpeechEndedEvent)
                    {
                        final.TrySetResult(last);
                    }
                }
            });

            var cpu0 = BenchMeasure.CpuSeconds();
            var clock = Stopwatch.StartNew();
            for (var o = 0; o < audio.Length; o += SpeechAudio.FrameSamples)
            {
                if (paced)
                {
                    await BenchMeasure.PaceAsync(clock, o + SpeechAudio.FrameSamples);
                }

                await stream.PushAudioAsync(audio.AsMemory(o, Math.Min(SpeechAudio.FrameSamples, audio.Length - o)));
            }

            var sw = Stopwatch.StartNew();
            await stream.FlushAsync();
            var hypothesis = await final.Task;
            finalMs.Add(sw.Elapsed.TotalMilliseconds);
            cpu += BenchMeasure.CpuSeconds() - cpu0;
            audioSeconds += audio.Length / (double)SpeechAudio.SampleRate;
            await stream.CompleteAsync();
            await reader;
            var (e, n) = WordErrorRate.Count(text, hypothesis);
            errors += e;
            words += n;
        }

        return ((double)errors / words, finalMs, cpu / audioSeconds);
    }
}
