using System.Globalization;

namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>
/// The wideband acoustic model with a telephone-band cepstral-mean prior. pocketsphinx starts each decoder's
/// live cepstral mean normalisation from the model's <c>-cmninit</c> (feat.params, which overrides the same
/// argument on the command line) and updates it only at the end of an utterance. Debian's en-us prior is
/// wideband; telephone audio (nothing above 4 kHz) has a very different mean (c1 ≈ +28 instead of −5), so the
/// first phrase of every narrowband speaker was decoded against the wrong mean: "the weather is nice today" →
/// "why". This builds a sibling model directory (symlinks to the model files, a feat.params with the
/// narrowband prior) once per process.
/// </summary>
internal static class NarrowbandModel
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<string, string> s_built = new(StringComparer.Ordinal);

    /// <summary>The narrowband model directory for <paramref name="acousticModel"/> with <paramref name="cmnInit"/>.</summary>
    public static string Directory(string acousticModel, IReadOnlyList<double> cmnInit)
    {
        var prior = string.Join(',', cmnInit.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
        var key = acousticModel + "|" + prior;
        lock (s_gate)
        {
            if (s_built.TryGetValue(key, out var existing) && System.IO.Directory.Exists(existing))
            {
                return existing;
            }

            var dir = Path.Combine(Path.GetTempPath(), $"tolk-pocketsphinx-nb-{Environment.ProcessId}-{(uint)StringComparer.Ordinal.GetHashCode(key):x8}");
            System.IO.Directory.CreateDirectory(dir);
            var featParams = Path.Combine(acousticModel, "feat.params");
            foreach (var file in System.IO.Directory.GetFiles(acousticModel))
            {
                var target = Path.Combine(dir, Path.GetFileName(file));
                if (Path.GetFileName(file) == "feat.params" || File.Exists(target))
                {
                    continue;
                }

                File.CreateSymbolicLink(target, file);
            }

            var lines = File.Exists(featParams) ? File.ReadAllLines(featParams).Where(l => !l.StartsWith("-cmninit", StringComparison.Ordinal)).ToList() : [];
            lines.Add("-cmninit " + prior);
            File.WriteAllLines(Path.Combine(dir, "feat.params"), lines);
            s_built[key] = dir;
            return dir;
        }
    }
}
