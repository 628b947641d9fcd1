using System.Diagnostics;
using Tolk.Speech.Audio;

namespace Tolk.Speech.Tests.Support;

/// <summary>
/// English sentences spoken by flite voices, generated once per test run into a temp directory: a wideband
/// (16 kHz) version and a telephone-band version (300–3400 Hz, 8 kHz G.711 µ-law, back to 16 kHz) made with sox.
/// </summary>
public static class SpeechCorpus
{
    public static readonly string[] Sentences =
    [
        "the weather is nice today",
        "i would like to book a meeting for tomorrow morning",
        "please send me the report by friday",
        "we need to discuss the budget for next year",
        "can you hear me clearly",
        "thank you very much for your help",
        "the project is running late",
        "let us start the meeting now",
        "i will call you back in ten minutes",
        "the price of the product has gone up",
    ];

    public static readonly string[] Voices = ["slt", "rms"];

    private static readonly Lazy<string> s_dir = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => s_dir.Value;

    public static string Wide(int sentence, string voice) => Path.Combine(Directory, $"w{sentence}_{voice}.wav");

    public static string Narrow(int sentence, string voice) => Path.Combine(Directory, $"n{sentence}_{voice}.wav");

    public static short[] Load(string path)
    {
        var (samples, rate) = WavFile.Read(path);
        return rate == SpeechAudio.SampleRate ? samples : PcmResampler.Resample(samples, rate, SpeechAudio.SampleRate);
    }

    /// <summary>Speaks text with flite into a temp WAV (16 kHz).</summary>
    public static string Flite(string text, string voice, string name)
    {
        var path = Path.Combine(Directory, name + ".wav");
        if (!File.Exists(path))
        {
            Run("flite", "-voice", voice, "-t", text, "-o", path);
        }

        return path;
    }

    /// <summary>Speaks text with espeak-ng and extra arguments into a 16 kHz array.</summary>
    public static short[] Espeak(string text, params string[] args)
    {
        var path = Path.Combine(Directory, $"e{Guid.NewGuid():N}.wav");
        Run("espeak-ng", [.. args, "-w", path, text]);
        var (s, rate) = WavFile.Read(path);
        File.Delete(path);
        return PcmResampler.Resample(s, rate, SpeechAudio.SampleRate);
    }

    private static string Generate()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tolk-speech-corpus-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(dir);
        Parallel.For(0, Sentences.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            foreach (var v in Voices)
            {
                var wide = Path.Combine(dir, $"w{i}_{v}.wav");
                Run("flite", "-voice", v, "-t", Sentences[i], "-o", wide);
                var mid = Path.Combine(dir, $"t{i}_{v}.wav");
                Run("sox", wide, "-r", "8000", "-e", "u-law", mid, "highpass", "300", "lowpass", "3400");
                Run("sox", mid, "-e", "signed-integer", "-b", "16", "-r", "16000", Path.Combine(dir, $"n{i}_{v}.wav"));
            }
        });
        return dir;
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} failed: {err}");
        }
    }
}
