using System.Text;
using System.Text.RegularExpressions;

namespace Tolk.Speech.Local.Apertium;

/// <summary>Escaping of input and clean-up of output for Apertium's stream format.</summary>
public static partial class ApertiumText
{
    // Characters with a meaning in Apertium's stream format (lexical units, superblanks, tags, marks).
    private const string Reserved = "^$@*/<>{}[]\\#+~|";

    /// <summary>Escapes reserved characters with a backslash; control characters (including NUL and newlines) become spaces.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                sb.Append(' ');
            }
            else
            {
                if (Reserved.Contains(c, StringComparison.Ordinal))
                {
                    sb.Append('\\');
                }

                sb.Append(c);
            }
        }

        return sb.ToString().Trim();
    }

    /// <summary>
    /// Removes Apertium's marks for unknown (<c>*</c>), ungenerated (<c>#</c>) and untranslated (<c>@</c>) words,
    /// then undoes backslash escapes and normalises spaces.
    /// </summary>
    public static string Clean(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var s = MarkRegex().Replace(output, "$1");
        s = EscapeRegex().Replace(s, "$1");
        s = SpaceRegex().Replace(s, " ");
        return s.Trim();
    }

    // A mark not preceded by a backslash, at the start of a word.
    [GeneratedRegex(@"(^|[^\\])[*#@](?=[\p{L}\p{N}])")]
    private static partial Regex MarkRegex();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex EscapeRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpaceRegex();
}
