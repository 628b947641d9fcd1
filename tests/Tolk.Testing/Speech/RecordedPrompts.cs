using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Tolk.Media.Codecs;
using Tolk.Media.Resampling;
using Tolk.Speech;
using Tolk.Speech.Audio;
using Tolk.Speech.Local.PocketSphinx;

namespace Tolk.Testing.Speech;

/// <summary>
/// Real recorded English speech with its transcript: Debian's <c>asterisk-core-sounds-en-wav</c> and
/// <c>-en-g722</c> (a professional voice actor's telephone prompts, CC-BY-SA; the transcript is the package's
/// <c>core-sounds-en.txt</c>). Each prompt exists twice, as 8 kHz linear PCM (telephone band) and as a G.722
/// bitstream (wideband, 16 kHz), so the same words can be heard through either kind of call.
/// </summary>
/// <remarks>
/// Only prompts of at least four words are taken whose transcript is plain words: no digits (the recordings say
/// "press one", the text "press 1"), no bracketed descriptions of tones, and, when a vocabulary is given, no
/// word outside it (pocketsphinx cannot produce a word its dictionary lacks; measuring those would measure the
/// dictionary, not the recogniser).
/// </remarks>
public static partial class RecordedPrompts
{
    /// <summary>Where the packages put the recordings.</summary>
    public const string SoundDirectory = "/usr/share/asterisk/sounds/en_US_f_Allison";

    /// <summary>The transcript shipped with the recordings.</summary>
    public const string TranscriptFile = "/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz";

    /// <summary>True when both packages and the transcript are installed.</summary>
    public static bool Available => File.Exists(TranscriptFile) && File.Exists(Path.Combine(SoundDirectory, "activated.g722"))
        && File.Exists(Path.Combine(SoundDirectory, "activated.wav"));

    /// <summary>
    /// The usable prompts in the transcript's order (stable, so a test or benchmark that takes the first N always
    /// gets the same ones). <paramref name="knownWord"/> filters by vocabulary (null: every word is known).
    /// </summary>
    public static IReadOnlyList<RecordedPrompt> Load(Func<string, bool>? knownWord = null, int minWords = 4)
    {
        if (!Available)
        {
            throw new InvalidOperationException(
                $"Recorded prompts are not installed ({SoundDirectory}): apt-get install asterisk-core-sounds-en-wav asterisk-core-sounds-en-g722");
        }

        var prompts = new List<RecordedPrompt>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(TranscriptFile), CompressionMode.Decompress), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.StartsWith(';') || colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var text = line[(colon + 1)..];
            if (text.Contains('[', StringComparison.Ordinal) || text.Any(char.IsDigit))
            {
                continue;
            }

            var words = Normalise(text);
            if (words.Length < minWords || (knownWord is not null && !words.All(knownWord)))
            {
                continue;
            }

            var wav = Path.Combine(SoundDirectory, name + ".wav");
            var g722 = Path.Combine(SoundDirectory, name + ".g722");
            if (File.Exists(wav) && File.Exists(g722))
            {
                prompts.Add(new RecordedPrompt(name, string.Join(' ', words), wav, g722));
            }
        }

        return prompts;
    }

    /// <summary>
    /// The prompts a recogniser with <paramref name="dictionaryPath"/> (default: pocketsphinx's, as Tolk uses it)
    /// can get entirely right.
    /// </summary>
    public static IReadOnlyList<RecordedPrompt> Recognisable(string? dictionaryPath = null) =>
        Load(Vocabulary(dictionaryPath ?? new PocketSphinxOptions().Dictionary));

    /// <summary>Words of the dictionary file (first column, alternates such as <c>word(2)</c> folded in).</summary>
    public static Func<string, bool> Vocabulary(string dictionaryPath)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(dictionaryPath))
        {
            var end = line.IndexOfAny([' ', '\t', '(']);
            if (end > 0)
            {
                words.Add(line[..end]);
            }
        }

        return words.Contains;
    }

    /// <summary>
    /// The telephone-band prompt as a G.711 µ-law caller delivers it to the recogniser: the 8 kHz recording through
    /// µ-law and back, then up to 16 kHz with the resampler the conference uses for G.711.
    /// </summary>
    public static short[] Narrowband(RecordedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var (samples, rate) = WavFile.Read(prompt.WavPath);
        if (rate != 8000)
        {
            throw new InvalidDataException($"{prompt.WavPath}: expected 8 kHz, found {rate} Hz");
        }

        var codes = new byte[samples.Length];
        G711.EncodeUlaw(samples, codes);
        G711.DecodeUlaw(codes, samples);
        return Resample(samples, 8000);
    }

    /// <summary>The wideband prompt as a G.722 caller delivers it: the bitstream decoded to 16 kHz.</summary>
    public static short[] Wideband(RecordedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var bits = File.ReadAllBytes(prompt.G722Path);
        using var decoder = new G722Decoder();
        var pcm = new short[bits.Length * 2];
        var frame = new short[320];
        var written = 0;
        for (var o = 0; o < bits.Length; o += 160)
        {
            var n = decoder.Decode(bits.AsSpan(o, Math.Min(160, bits.Length - o)), frame);
            frame.AsSpan(0, n).CopyTo(pcm.AsSpan(written));
            written += n;
        }

        return pcm[..written];
    }

    /// <summary>Lower-case words: hyphens and slashes split words, other punctuation (but apostrophes) goes.</summary>
    public static string[] Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spaced = Separators().Replace(text.ToLowerInvariant(), " ");
        return NotWordCharacters().Replace(spaced, " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static short[] Resample(short[] samples, int rate)
    {
        using var resampler = AudioResampler.Create(rate, SpeechAudio.SampleRate, 3);
        var output = new short[(samples.Length * (long)SpeechAudio.SampleRate / rate) + 64];
        var n = resampler.Process(samples, output);
        return output[..n];
    }

    [GeneratedRegex("[-/]")]
    private static partial Regex Separators();

    [GeneratedRegex("[^a-z' ]")]
    private static partial Regex NotWordCharacters();
}

/// <summary>One recorded prompt: its reference words and the two recordings.</summary>
public sealed record RecordedPrompt(string Name, string Text, string WavPath, string G722Path);
