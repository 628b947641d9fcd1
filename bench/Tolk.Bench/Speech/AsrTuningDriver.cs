using System.Diagnostics;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Text;
using Tolk.Testing.Speech;

namespace Tolk.Bench.Speech;

/// <summary>
/// Decoder settings against each other on the same clips: WER, time from the end of the audio to the final result
/// (what the caller waits for after the endpoint), and CPU per second of audio. Wideband clips are flite at 16 kHz;
/// narrowband clips go through the G.711 µ-law call path (16 → 8 kHz, µ-law, 8 → 16 kHz). Each clip is the first
/// phrase of a fresh stream, as for a new speaker.
/// With <c>--corpus=recorded</c> the clips are real recorded speech instead (<see cref="RecordedPrompts"/>: the G.722
/// recording for wide, the 8 kHz one through G.711 µ-law for narrow); <c>--skip=N</c> starts N clips into the corpus; <c>--show</c> prints each clip's reference and hypothesis.
/// Run: <c>dotnet run -c Release --project bench/Tolk.Bench -- asr-tuning [clips] [--band wide|narrow] [--corpus=business|recorded] [--skip=N] [--show] ["-arg value ..." ...]</c>
/// [--paced] (each quoted argument string is one variant; without any, a built-in set is compared). A <c>vocabulary=N</c>
/// token sets <see cref="PocketSphinxOptions.VocabularySize"/> (0 = the whole dictionary), <c>bandwidth=auto|wideband|narrowband</c>
/// <see cref="PocketSphinxOptions.Bandwidth"/> (by default the band's own), <c>block=N</c>
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
        var show = rest.Remove("--show");

        // --skip=N leaves out the corpus's first N clips (e.g. those an adaptation was estimated from).
        var skip = 0;
        if (rest.FirstOrDefault(a => a.StartsWith("--skip=", StringComparison.Ordinal)) is { } skipArg)
        {
            skip = int.Parse(skipArg["--skip=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            rest.Remove(skipArg);
        }

        var clips = rest.Remove("--corpus=recorded")
            ? RecordedClips(skip, count)
            : await FliteClipsAsync(rest.Remove("--corpus=business") ? FlitePhrases.BusinessSentences : FlitePhrases.Sentences, skip, count);
        if (rest.Count > 0)
        {
            variants = [.. rest.Select(v => (v, v.Split(' ', StringSplitOptions.RemoveEmptyEntries)))];
        }

        Console.WriteLine($"{clips.Count} clips, {clips.Sum(c => c.Wide.Length) / (double)SpeechAudio.SampleRate:F1} s of speech; load {File.ReadAllText("/proc/loadavg").Trim()}");
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
                    else if (a.StartsWith("bandwidth=", StringComparison.Ordinal))
                    {
                        options.Bandwidth = Enum.Parse<AudioBandwidth>(a["bandwidth=".Length..], ignoreCase: true);
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

                var r = await MeasureAsync(new PocketSphinxRecognizer(options), clips.Select(c => (c.Text, band == "wide" ? c.Wide : c.Narrow)).ToList(), paced,
                    show ? (reference, hypothesis) => Console.WriteLine($"  ref: {reference}\n  hyp: {hypothesis}") : null);
                Console.WriteLine($"{band,-7} {name,-40} {r.Wer,6:P1}   {BenchMeasure.Percentile(r.FinalMs, 0.5),8:F0} / {BenchMeasure.Percentile(r.FinalMs, 0.95),6:F0}        {r.CpuPerSecond:F3}");
            }
        }

        return 0;
    }

    private static async Task<List<(string Text, short[] Wide, short[] Narrow)>> FliteClipsAsync(string[] sentences, int skip, int count) =>
        [.. (await FlitePhrases.GenerateAsync(skip + count, sentences)).Skip(skip).Select(c => (c.Text, c.Audio, FlitePhrases.TelephonePath(c.Audio)))];

    // Real speech: the same recorded prompt as a G.722 (wide) and a G.711 µ-law (narrow) caller delivers it.
    private static List<(string Text, short[] Wide, short[] Narrow)> RecordedClips(int skip, int count) =>
        [.. RecordedPrompts.Recognisable().Skip(skip).Take(count)
            .Select(p => (p.Text, RecordedPrompts.Wideband(p), RecordedPrompts.Narrowband(p)))];

    internal static async Task<(double Wer, List<double> FinalMs, double CpuPerSecond)> MeasureAsync(ISpeechRecognizer recognizer, List<(string Text, short[] Audio)> clips, bool paced = false, Action<string, string>? onClip = null)
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
            onClip?.Invoke(text, hypothesis);
            var (e, n) = WordErrorRate.Count(text, hypothesis);
            errors += e;
            words += n;
        }

        return ((double)errors / words, finalMs, cpu / audioSeconds);
    }
}
