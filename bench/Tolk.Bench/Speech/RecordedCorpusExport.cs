using System.Globalization;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Testing.Speech;

namespace Tolk.Bench.Speech;

/// <summary>
/// Writes the recorded prompts (<see cref="RecordedPrompts"/>) as the recogniser hears them from calls — 16 kHz WAVs
/// of the G.722 (<c>wide/</c>) and G.711 µ-law (<c>narrow/</c>) call paths — with a SphinxTrain control file and
/// transcription, so that acoustic-model adaptation (<c>scripts/adaptation/adapt-narrowband.sh</c>) is estimated on exactly the
/// audio calls deliver. Run: <c>dotnet run -c Release --project bench/Tolk.Bench -- recorded-corpus OUTDIR [first] [count]</c>.
/// </summary>
public static class RecordedCorpusExport
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: recorded-corpus OUTDIR [first] [count]");
            return 2;
        }

        var dir = args[0];
        var first = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : int.MaxValue;
        var prompts = RecordedPrompts.Recognisable().Skip(first).Take(count).ToList();
        Directory.CreateDirectory(Path.Combine(dir, "wide"));
        Directory.CreateDirectory(Path.Combine(dir, "narrow"));
        foreach (var p in prompts)
        {
            WavFile.Write(Path.Combine(dir, "wide", Id(p) + ".wav"), RecordedPrompts.Wideband(p), SpeechAudio.SampleRate);
            WavFile.Write(Path.Combine(dir, "narrow", Id(p) + ".wav"), RecordedPrompts.Narrowband(p), SpeechAudio.SampleRate);
        }

        File.WriteAllLines(Path.Combine(dir, "corpus.fileids"), prompts.Select(Id));
        File.WriteAllLines(Path.Combine(dir, "corpus.transcription"), prompts.Select(p => $"<s> {p.Text} </s> ({Id(p)})"));
        Console.WriteLine($"{prompts.Count} prompts (from {first}) written to {dir}");
        return 0;
    }

    // Some prompts live in subdirectories (dictate/…); the training tools want flat file ids.
    private static string Id(RecordedPrompt prompt) => prompt.Name.Replace('/', '-');
}
