using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>
/// Letter-to-sound for words missing from the dictionary (room hint phrases: names, products), using flite's
/// <c>t2p</c> (CMU lexicon + LTS rules), mapped to the phone set of the pocketsphinx en-us model.
/// </summary>
public static class Pronunciations
{
    private static readonly ConcurrentDictionary<string, string?> s_cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>CMU phones for <paramref name="word"/> (e.g. "T OW K"), or null when t2p is missing or fails.</summary>
    public static string? Lookup(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length == 0 || word.Length > 40 || !word.All(c => char.IsLetter(c) || c == '\''))
        {
            return null;
        }

        return s_cache.GetOrAdd(word, Run);
    }

    private static string? Run(string word)
    {
        try
        {
            var psi = new ProcessStartInfo("t2p") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(word);
            using var p = Process.Start(psi);
            if (p is null)
            {
                return null;
            }

            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit(5000);
            var phones = output.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(ph => ph.TrimEnd('0', '1', '2').ToUpperInvariant())
                .Where(ph => ph != "PAU")
                .Select(ph => ph == "AX" ? "AH" : ph) // the en-us model has no schwa phone of its own
                .ToList();
            return phones.Count == 0 ? null : string.Join(' ', phones);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
