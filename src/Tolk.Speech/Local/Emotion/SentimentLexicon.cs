namespace Tolk.Speech.Local.Emotion;

/// <summary>A small English/Spanish/French polarity lexicon with negation handling: enough to tip valence.</summary>
public static class SentimentLexicon
{
    private static readonly Dictionary<string, double> s_words = new(StringComparer.OrdinalIgnoreCase)
    {
        // English
        ["good"] = 0.6, ["great"] = 0.8, ["excellent"] = 0.9, ["happy"] = 0.8, ["glad"] = 0.7, ["thanks"] = 0.5,
        ["thank"] = 0.5, ["love"] = 0.8, ["nice"] = 0.6, ["wonderful"] = 0.9, ["perfect"] = 0.8, ["fine"] = 0.3,
        ["pleased"] = 0.7, ["awesome"] = 0.9, ["yes"] = 0.2, ["help"] = 0.2, ["welcome"] = 0.5,
        ["bad"] = -0.6, ["terrible"] = -0.9, ["awful"] = -0.9, ["angry"] = -0.8, ["hate"] = -0.9, ["sad"] = -0.7,
        ["sorry"] = -0.3, ["problem"] = -0.4, ["late"] = -0.3, ["wrong"] = -0.5, ["never"] = -0.3, ["worst"] = -0.9,
        ["upset"] = -0.7, ["afraid"] = -0.7, ["scared"] = -0.8, ["furious"] = -0.9, ["unacceptable"] = -0.9,
        ["broken"] = -0.6, ["fail"] = -0.6, ["failed"] = -0.6, ["complaint"] = -0.6, ["disappointed"] = -0.7,
        // Spanish
        ["bueno"] = 0.6, ["buena"] = 0.6, ["gracias"] = 0.5, ["genial"] = 0.8, ["feliz"] = 0.8, ["malo"] = -0.6,
        ["mala"] = -0.6, ["terrible"] = -0.9, ["triste"] = -0.7, ["enfadado"] = -0.8, ["problema"] = -0.4,
        // French
        ["bon"] = 0.6, ["bien"] = 0.5, ["merci"] = 0.5, ["heureux"] = 0.8, ["mauvais"] = -0.6, ["triste"] = -0.7,
        ["colère"] = -0.8,
    };

    private static readonly HashSet<string> s_negations = new(StringComparer.OrdinalIgnoreCase)
    {
        "not", "no", "don't", "dont", "isn't", "never", "nothing", "no", "ne", "pas", "nunca",
    };

    /// <summary>Mean polarity (−1..1) of the text's sentiment words, or null when none is present.</summary>
    public static double? Score(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var tokens = text.Split([' ', ',', '.', '!', '?', ';', ':', '"', '\''], StringSplitOptions.RemoveEmptyEntries);
        double sum = 0;
        var n = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!s_words.TryGetValue(tokens[i], out var v))
            {
                continue;
            }

            var negated = (i > 0 && s_negations.Contains(tokens[i - 1])) || (i > 1 && s_negations.Contains(tokens[i - 2]));
            sum += negated ? -0.7 * v : v;
            n++;
        }

        return n == 0 ? null : Math.Clamp(sum / n, -1, 1);
    }
}
