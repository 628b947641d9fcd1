namespace Tolk.Speech.Pipeline;

/// <summary>
/// Splits a recognised phrase into chunks for MT and TTS so the first translated audio does not wait for the
/// whole phrase: at punctuation when present, otherwise at the longest pauses between words (word timings),
/// never longer than a word limit.
/// </summary>
public static class TextChunker
{
    /// <summary>Pause between words (seconds) that is a natural cut.</summary>
    public const double PauseSeconds = 0.15;

    /// <summary>Chunks <paramref name="text"/> (with optional word timings from the recogniser).</summary>
    public static IReadOnlyList<string> Split(string text, IReadOnlyList<RecognizedWord>? words, int maxWords)
    {
        ArgumentNullException.ThrowIfNull(text);
        maxWords = Math.Max(3, maxWords);
        var chunks = new List<string>();
        if (text.IndexOfAny(['.', '!', '?', ';', ',']) >= 0)
        {
            var current = new List<string>();
            foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                current.Add(token);
                if (token[^1] is '.' or '!' or '?' or ';' || (token[^1] == ',' && current.Count >= 4) || current.Count >= maxWords)
                {
                    chunks.Add(string.Join(' ', current));
                    current.Clear();
                }
            }

            if (current.Count > 0)
            {
                chunks.Add(string.Join(' ', current));
            }

            return chunks;
        }

        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var timed = words is not null && words.Count == tokens.Length;
        var start = 0;
        while (start < tokens.Length)
        {
            var end = Math.Min(tokens.Length, start + maxWords);
            if (end < tokens.Length && timed)
            {
                // Cut at the longest pause inside the window, if it is a real pause and not too early.
                var bestGap = 0.0;
                var bestCut = end;
                for (var i = start + 3; i < end; i++)
                {
                    var gap = (words![i].Start - words[i - 1].End).TotalSeconds;
                    if (gap >= PauseSeconds && gap > bestGap)
                    {
                        bestGap = gap;
                        bestCut = i;
                    }
                }

                end = bestCut;
            }
            else if (end < tokens.Length && tokens.Length - end < 3)
            {
                // Avoid a one- or two-word tail chunk.
                end = tokens.Length;
            }

            chunks.Add(string.Join(' ', tokens[start..end]));
            start = end;
        }

        return chunks;
    }
}
