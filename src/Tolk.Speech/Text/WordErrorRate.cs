namespace Tolk.Speech.Text;

/// <summary>Word error rate of a recognition result against a reference transcript (case-insensitive words).</summary>
public static class WordErrorRate
{
    /// <summary>Word errors (substitutions + insertions + deletions, by edit distance) and the reference's length.</summary>
    public static (int Errors, int Words) Count(string reference, string hypothesis)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        var r = reference.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var h = hypothesis.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var previous = new int[h.Length + 1];
        var current = new int[h.Length + 1];
        for (var j = 0; j <= h.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= h.Length; j++)
            {
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return (previous[h.Length], r.Length);
    }
}
