using System.CommandLine;
using System.Globalization;
using Tolk.Server.Hosting;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local;

namespace Tolk.Server.Cli;

/// <summary>
/// `tolk speech …`: try each local engine on files, with the same engines and settings live calls use.
/// </summary>
internal static class SpeechCommands
{
    private static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "JSON configuration file (as for serve): its Speech section, with TOLK_Speech__… variables over it.",
        Recursive = true,
    };

    public static Command Create()
    {
        var speech = new Command("speech", "Try the speech engines on files.");
        speech.Options.Add(Config);
        speech.Subcommands.Add(Transcribe());
        speech.Subcommands.Add(Translate());
        speech.Subcommands.Add(Synthesize());
        speech.Subcommands.Add(Emotion());
        return speech;
    }

    private static Command Transcribe()
    {
        var file = new Argument<FileInfo>("file") { Description = "WAV file (any rate, mono)." };
        var lang = new Option<string>("--lang") { Description = "Language (BCP 47).", DefaultValueFactory = _ => "en" };
        var command = new Command("transcribe", "Print the text spoken in a WAV file.");
        command.Arguments.Add(file);
        command.Options.Add(lang);
        command.SetAction(async (p, ct) =>
        {
            using var engines = Engines(p);
            var (samples, rate) = WavFile.Read(p.GetValue(file)!.FullName);
            var pcm = rate == SpeechAudio.SampleRate ? samples : PcmResampler.Resample(samples, rate, SpeechAudio.SampleRate);
            await using var stream = await engines.Recognizer.StartStreamAsync(new RecognitionOptions(p.GetValue(lang)!), SpeechContext.None, ct);
            var reader = Task.Run(async () =>
            {
                var lines = new List<string>();
                await foreach (var e in stream.ReadEventsAsync(ct))
                {
                    if (e is FinalResultEvent f && f.Text.Length > 0)
                    {
                        lines.Add(f.Text);
                    }
                }
                return lines;
            }, ct);
            for (var i = 0; i < pcm.Length; i += SpeechAudio.FrameSamples)
            {
                await stream.PushAudioAsync(pcm.AsMemory(i, Math.Min(SpeechAudio.FrameSamples, pcm.Length - i)), ct);
            }
            await stream.FlushAsync(ct);
            await stream.CompleteAsync(ct);
            Console.WriteLine(string.Join(' ', await reader));
            return 0;
        });
        return command;
    }

    private static Command Translate()
    {
        var text = new Argument<string>("text") { Description = "Text to translate." };
        var from = new Option<string>("--from") { Description = "Source language.", Required = true };
        var to = new Option<string>("--to") { Description = "Target language.", Required = true };
        var command = new Command("translate", "Translate text.");
        command.Arguments.Add(text);
        command.Options.Add(from);
        command.Options.Add(to);
        command.SetAction(async (p, ct) =>
        {
            using var engines = Engines(p);
            try
            {
                var result = await engines.Translator.TranslateAsync(p.GetValue(text)!, p.GetValue(from)!, p.GetValue(to)!, SpeechContext.None, ct);
                Console.WriteLine(result.Text);
                return 0;
            }
            catch (UnsupportedLanguagePairException ex)
            {
                await Console.Error.WriteLineAsync("error: " + ex.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command Synthesize()
    {
        var text = new Argument<string>("text") { Description = "Text to speak." };
        var lang = new Option<string>("--lang") { Description = "Language.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "WAV file to write (16 kHz mono).", Required = true };
        var command = new Command("synthesize", "Speak text into a WAV file.");
        command.Arguments.Add(text);
        command.Options.Add(lang);
        command.Options.Add(output);
        command.SetAction(async (p, ct) =>
        {
            using var engines = Engines(p);
            var all = new List<short>();
            var rate = SpeechAudio.SampleRate;
            await foreach (var chunk in engines.Synthesizer.SynthesizeAsync(p.GetValue(text)!, p.GetValue(lang)!, new VoiceSettings(), SpeechContext.None, ct))
            {
                rate = chunk.SampleRate;
                all.AddRange(chunk.Samples);
            }
            WavFile.Write(p.GetValue(output)!.FullName, all.ToArray(), rate);
            Console.WriteLine($"{p.GetValue(output)!.FullName}: {(double)all.Count / rate:F2} s");
            return 0;
        });
        return command;
    }

    private static Command Emotion()
    {
        var file = new Argument<FileInfo>("file") { Description = "WAV file of speech." };
        var text = new Option<string?>("--text") { Description = "What was said, to fuse text sentiment." };
        var command = new Command("emotion", "Estimate the emotion in speech (prosody, optionally text).");
        command.Arguments.Add(file);
        command.Options.Add(text);
        command.SetAction(async (p, ct) =>
        {
            using var engines = Engines(p);
            var (samples, rate) = WavFile.Read(p.GetValue(file)!.FullName);
            var result = await engines.Emotion.DetectAsync(samples, rate, p.GetValue(text), SpeechContext.None, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Label.ToString().ToLowerInvariant()} (confidence {result.Confidence:F2}; valence {result.Valence:F2}, arousal {result.Arousal:F2}) — an estimate from prosody, not a certainty"));
            foreach (var (label, score) in result.Scores.OrderByDescending(s => s.Value))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label.ToString().ToLowerInvariant(),-8} {score:F2}"));
            }
            return 0;
        });
        return command;
    }

    /// <summary>The engines live calls would use: the same Speech configuration, read the same way.</summary>
    private static LocalSpeechEngines Engines(ParseResult parse) =>
        SpeechSettings.CreateEngines(SpeechSettings.Load(parse.GetValue(Config)?.FullName), NullSpeechUsageSink.Instance);
}
