namespace Tolk.Speech.Local.Apertium;

/// <summary>
/// Finds Apertium translation modes (<c>/usr/share/apertium/modes/*.mode</c>) and maps BCP 47 languages to them.
/// Variant modes (<c>eng-cat_valencia</c>) are skipped: the plain pair is the default.
/// </summary>
public sealed class ApertiumModes
{
    /// <summary>Debian's mode directory.</summary>
    public const string DefaultDirectory = "/usr/share/apertium/modes";

    private static readonly Dictionary<string, string> s_codes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "en", ["eng"] = "en",
        ["es"] = "es", ["spa"] = "es",
        ["fr"] = "fr", ["fra"] = "fr", ["fre"] = "fr",
        ["ca"] = "ca", ["cat"] = "ca",
        ["pt"] = "pt", ["por"] = "pt",
        ["it"] = "it", ["ita"] = "it",
        ["de"] = "de", ["deu"] = "de", ["ger"] = "de",
        ["gl"] = "gl", ["glg"] = "gl",
        ["oc"] = "oc", ["oci"] = "oc",
        ["eu"] = "eu", ["eus"] = "eu",
    };

    private readonly Dictionary<(string Source, string Target), string> _modes = [];

    /// <summary>Scans <paramref name="directory"/> for mode files.</summary>
    public ApertiumModes(string directory = DefaultDirectory)
    {
        Directory = directory;
        if (!System.IO.Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.mode"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var parts = name.Split('-');
            if (parts.Length != 2 || name.Contains('_', StringComparison.Ordinal))
            {
                continue;
            }

            if (s_codes.TryGetValue(parts[0], out var s) && s_codes.TryGetValue(parts[1], out var t))
            {
                _modes.TryAdd((s, t), file);
            }
        }
    }

    /// <summary>The scanned directory.</summary>
    public string Directory { get; }

    /// <summary>Direct pairs found, as BCP 47 primary subtags.</summary>
    public IReadOnlyCollection<(string Source, string Target)> DirectPairs => _modes.Keys;

    /// <summary>Maps a BCP 47 tag or Apertium code to the primary subtag used here; null when unknown.</summary>
    public static string? Normalize(string language)
    {
        var primary = LanguageTags.Primary(language);
        return s_codes.TryGetValue(primary, out var code) ? code : null;
    }

    /// <summary>The mode file for a direct pair, or null.</summary>
    public string? FindMode(string source, string target) =>
        Normalize(source) is { } s && Normalize(target) is { } t && _modes.TryGetValue((s, t), out var f) ? f : null;

    /// <summary>
    /// The route from <paramref name="source"/> to <paramref name="target"/>: one hop when a direct pair exists,
    /// two hops through a pivot (Spanish first) otherwise; null when there is none.
    /// </summary>
    public IReadOnlyList<(string Source, string Target)>? FindRoute(string source, string target)
    {
        if (Normalize(source) is not { } s || Normalize(target) is not { } t || s == t)
        {
            return null;
        }

        if (_modes.ContainsKey((s, t)))
        {
            return [(s, t)];
        }

        var pivots = _modes.Keys.Where(k => k.Source == s).Select(k => k.Target)
            .Where(p => _modes.ContainsKey((p, t)))
            .OrderBy(p => p == "es" ? 0 : 1)
            .ToList();
        return pivots.Count == 0 ? null : [(s, pivots[0]), (pivots[0], t)];
    }

    /// <summary>All pairs reachable directly or through one pivot.</summary>
    public IReadOnlyList<(string Source, string Target)> ReachablePairs()
    {
        var langs = _modes.Keys.SelectMany(k => new[] { k.Source, k.Target }).Distinct().ToList();
        return [.. from a in langs from b in langs where a != b && FindRoute(a, b) is not null select (a, b)];
    }

    /// <summary>
    /// Builds the null-flush shell pipeline from a mode file: every program gets <c>-z</c> so that a NUL after a
    /// sentence flushes it through (plain <c>apertium -z</c> lags one sentence behind).
    /// </summary>
    public static string BuildNullFlushPipeline(string modeFile)
    {
        var text = File.ReadAllText(modeFile).Trim();
        // $1 is the generator's output-mode flag (-g = generation with marks), $2 the tagger's extra flags.
        text = text.Replace("$1", "-g", StringComparison.Ordinal).Replace("$2", string.Empty, StringComparison.Ordinal);
        var stages = text.Split('|');
        for (var i = 0; i < stages.Length; i++)
        {
            var stage = stages[i].Trim();
            var space = stage.IndexOf(' ', StringComparison.Ordinal);
            stages[i] = space < 0 ? stage + " -z" : stage[..space] + " -z" + stage[space..];
        }

        return string.Join(" | ", stages);
    }
}
