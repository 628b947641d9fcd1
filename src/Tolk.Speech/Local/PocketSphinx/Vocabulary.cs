using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>
/// The decoder's vocabulary. pocketsphinx searches a lexical tree of every word that is in both the dictionary and
/// the language model (≈ 72,000 for Debian's en-us), and that search is most of a translated speaker's CPU. Keeping
/// only the language model's most probable words shrinks the tree (<see cref="PocketSphinxOptions.VocabularySize"/>);
/// the words left out are the model's rare ones, which in office calls are not rare at all. A room's hint phrases
/// bring words back with their full-dictionary pronunciations.
/// </summary>
internal static class Vocabulary
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> s_pruned = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<ILookup<string, string>>> s_full = new(StringComparer.Ordinal);

    /// <summary>
    /// A dictionary file holding the <paramref name="size"/> words of <paramref name="dictionary"/> the language model
    /// finds most probable (every pronunciation of each), built once per process.
    /// </summary>
    public static string PrunedDictionary(string languageModel, string dictionary, int size)
    {
        var key = $"{languageModel}|{dictionary}|{size}";
        return s_pruned.GetOrAdd(key, _ => new Lazy<string>(() => Build(languageModel, dictionary, size))).Value;
    }

    /// <summary>The pronunciations <paramref name="dictionary"/> gives <paramref name="word"/> (CMU phones), none when absent.</summary>
    public static IEnumerable<string> DictionaryPronunciations(string dictionary, string word) =>
        s_full.GetOrAdd(dictionary, d => new Lazy<ILookup<string, string>>(() => ReadEntries(d)
            .ToLookup(e => e.Word, e => e.Phones, StringComparer.OrdinalIgnoreCase))).Value[word];

    /// <summary>Unigrams of the language model, most probable first.</summary>
    internal static List<string> RankedWords(string languageModel)
    {
        // sphinxbase logs to stderr until told otherwise; the decoders send theirs to /dev/null (-logfn) too.
        PocketSphinxNative.err_set_logfile("/dev/null");
        var logmath = PocketSphinxNative.logmath_init(1.0001, 0, 0);
        if (logmath == IntPtr.Zero)
        {
            throw new SpeechProviderException("sphinxbase could not set up its log tables.");
        }

        try
        {
            var model = PocketSphinxNative.ngram_model_read(IntPtr.Zero, languageModel, 0 /* NGRAM_AUTO */, logmath);
            if (model == IntPtr.Zero)
            {
                throw new SpeechProviderException($"pocketsphinx could not read the language model {languageModel}.");
            }

            try
            {
                var unigrams = Marshal.ReadInt32(PocketSphinxNative.ngram_model_get_counts(model));
                var scored = new List<(string Word, int LogProb)>(unigrams);
                var words = new IntPtr[1];
                for (var wid = 0; wid < unigrams; wid++)
                {
                    words[0] = PocketSphinxNative.ngram_word(model, wid);
                    var word = Marshal.PtrToStringUTF8(words[0]);
                    if (word is null || word.StartsWith('<'))
                    {
                        continue; // <s>, </s>, <UNK>: not words a speaker says
                    }

                    scored.Add((word, PocketSphinxNative.ngram_prob(model, words, 1)));
                }

                return [.. scored.OrderByDescending(s => s.LogProb).ThenBy(s => s.Word, StringComparer.Ordinal).Select(s => s.Word)];
            }
            finally
            {
                PocketSphinxNative.ngram_model_free(model);
            }
        }
        finally
        {
            PocketSphinxNative.logmath_free(logmath);
        }
    }

    private static string Build(string languageModel, string dictionary, int size)
    {
        var entries = ReadEntries(dictionary).ToList();
        var inDictionary = entries.Select(e => e.Word).ToHashSet(StringComparer.Ordinal);
        var keep = RankedWords(languageModel).Where(inDictionary.Contains).Take(size).ToHashSet(StringComparer.Ordinal);

        // Per process, in a directory only this user can read: the decoder reads the file at each stream's start.
        var directory = s_scratch.Value;
        var path = Path.Combine(directory, $"vocabulary-{size}-{(uint)StringComparer.Ordinal.GetHashCode(languageModel + "|" + dictionary):x8}.dict");
        File.WriteAllLines(path, entries.Where(e => keep.Contains(e.Word)).Select(e => e.Line));
        return path;
    }

    private static readonly Lazy<string> s_scratch = new(() => Directory.CreateTempSubdirectory($"tolk-pocketsphinx-{Environment.ProcessId}-").FullName);

    // "word phones" or "word(2) phones"; a trailing "#comment" is part of no pronunciation.
    private static IEnumerable<(string Word, string Phones, string Line)> ReadEntries(string dictionary)
    {
        foreach (var line in File.ReadLines(dictionary))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                continue;
            }

            var word = line[..space];
            var variant = word.IndexOf('(', StringComparison.Ordinal);
            if (variant > 0)
            {
                word = word[..variant];
            }

            var phones = line[(space + 1)..];
            var comment = phones.IndexOf('#', StringComparison.Ordinal);
            yield return (word, (comment >= 0 ? phones[..comment] : phones).Trim(), line);
        }
    }
}
