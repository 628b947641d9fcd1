namespace Tolk.Speech.Local.Emotion;

/// <summary>
/// Emotion from prosody (pitch level and spread, loudness, speaking rate, spectral tilt, jitter), optionally fused
/// with a small sentiment lexicon. Arousal is what prosody measures reasonably; valence from prosody alone is weak,
/// so without text it stays near zero. Confidence is capped (0.6 prosody only, 0.75 with text) because this is
/// an estimate, never a certainty.
/// </summary>
public sealed class ProsodyEmotionDetector : IEmotionDetector
{
    private static readonly Dictionary<EmotionLabel, (double Valence, double Arousal)> s_prototypes = new()
    {
        [EmotionLabel.Neutral] = (0, 0),
        [EmotionLabel.Happy] = (0.6, 0.5),
        [EmotionLabel.Angry] = (-0.6, 0.7),
        [EmotionLabel.Fearful] = (-0.5, 0.5),
        [EmotionLabel.Sad] = (-0.5, -0.5),
        [EmotionLabel.Calm] = (0.4, -0.5),
    };

    /// <inheritdoc />
    public string Name => "prosody";

    /// <summary>Arousal estimate (−1..1) from prosodic features alone.</summary>
    public static double ArousalOf(ProsodyFeatures f)
    {
        ArgumentNullException.ThrowIfNull(f);
        // Each term is a rough z-score against conversational speech norms.
        var loud = (f.MeanLevelDbfs + 24) / 6;
        var lively = (f.PitchSpreadSemitones - 2.5) / 1.5;
        var fast = f.SyllablesPerSecond <= 0 ? 0 : (f.SyllablesPerSecond - 4) / 1.5;
        var tense = (f.SpectralTiltDb + 14) / 6;
        var high = f.MedianPitchHz <= 0 ? 0 : Math.Log2(f.MedianPitchHz / 150) * 2;
        return Math.Tanh(0.35 * ((0.8 * loud) + lively + (0.8 * fast) + (0.5 * tense) + (0.5 * high)));
    }

    /// <inheritdoc />
    public ValueTask<EmotionResult> DetectAsync(ReadOnlyMemory<short> audio, int sampleRate, string? text, SpeechContext context, CancellationToken cancellationToken = default)
    {
        var features = ProsodyFeatures.Measure(audio.Span, sampleRate);
        return ValueTask.FromResult(Classify(features, text));
    }

    /// <summary>Classifies measured features (and optional text).</summary>
    public static EmotionResult Classify(ProsodyFeatures features, string? text)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.VoicedSeconds < 0.15)
        {
            var flat = s_prototypes.Keys.ToDictionary(k => k, k => k == EmotionLabel.Neutral ? 0.5 : 0.1);
            return new EmotionResult(EmotionLabel.Neutral, 0, 0, 0.1, flat);
        }

        var arousal = ArousalOf(features);
        // Prosodic valence cue: heavy jitter and falling, flat pitch lean negative; lively pitch leans positive.
        var valence = Math.Clamp(((features.PitchSpreadSemitones - 2.5) * 0.08) - ((features.Jitter - 0.02) * 4), -0.3, 0.3);
        var textValence = SentimentLexicon.Score(text);
        var hasText = textValence is not null;
        if (textValence is { } tv)
        {
            valence = Math.Clamp((0.3 * valence) + (0.7 * tv), -1, 1);
        }

        var scores = new Dictionary<EmotionLabel, double>();
        double total = 0;
        foreach (var (label, (pv, pa)) in s_prototypes)
        {
            var dv = valence - pv;
            var da = arousal - pa;
            // Fear vs anger: fear is higher-pitched; nudge by median pitch.
            var bias = label == EmotionLabel.Fearful && features.MedianPitchHz > 220 ? 0.1 : 0;
            var s = Math.Exp(-((dv * dv) + (da * da)) / 0.18) + bias;
            scores[label] = s;
            total += s;
        }

        foreach (var k in scores.Keys.ToList())
        {
            scores[k] /= total;
        }

        var best = scores.MaxBy(kv => kv.Value);
        var cap = hasText ? 0.75 : 0.6;
        var confidence = Math.Min(cap, best.Value * (0.5 + Math.Min(0.5, features.VoicedSeconds / 4)));
        return new EmotionResult(best.Key, valence, arousal, confidence, scores);
    }
}
