using Tolk.Speech.Local.Emotion;

namespace Tolk.Speech.Pipeline;

/// <summary>
/// Follows a speaker's median pitch and speaking rate over recent phrases and picks matching TTS settings:
/// gender from pitch (a low voice stays male-sounding), engine pitch relative to that gender's norm, and rate
/// relative to an average talker.
/// </summary>
public sealed class VoiceAdapter
{
    /// <summary>Pitch (Hz) below which a voice is taken as male.</summary>
    public const double GenderSplitHz = 160;

    private const int History = 8;
    private const double MaleNormHz = 120;
    private const double FemaleNormHz = 210;
    private const double NormalSyllablesPerSecond = 4.0;
    private readonly Queue<double> _pitches = new();
    private readonly Queue<double> _rates = new();
    private readonly Lock _lock = new();

    /// <summary>Median pitch over recent phrases (0 before any voiced phrase).</summary>
    public double MedianPitchHz
    {
        get
        {
            lock (_lock)
            {
                return Median(_pitches);
            }
        }
    }

    /// <summary>Median speaking rate over recent phrases.</summary>
    public double MedianSyllablesPerSecond
    {
        get
        {
            lock (_lock)
            {
                return Median(_rates);
            }
        }
    }

    /// <summary>Adds one phrase's measurements.</summary>
    public void Observe(ProsodyFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        lock (_lock)
        {
            if (features.MedianPitchHz > 0 && features.VoicedSeconds >= 0.2)
            {
                Push(_pitches, features.MedianPitchHz);
            }

            if (features.SyllablesPerSecond > 0.5)
            {
                Push(_rates, features.SyllablesPerSecond);
            }
        }
    }

    /// <summary>A copy that also holds <paramref name="pending"/>: the choice for a phrase not yet confirmed, without keeping it.</summary>
    public VoiceAdapter With(ProsodyFeatures pending)
    {
        var copy = new VoiceAdapter();
        lock (_lock)
        {
            foreach (var p in _pitches)
            {
                copy._pitches.Enqueue(p);
            }

            foreach (var r in _rates)
            {
                copy._rates.Enqueue(r);
            }
        }

        copy.Observe(pending);
        return copy;
    }

    /// <summary>Voice settings for the speaker; <paramref name="baseVoice"/> (a profile voice) keeps its id.</summary>
    public VoiceSettings Choose(VoiceSettings? baseVoice = null) => Choose(baseVoice, null, null);

    /// <summary>
    /// Voice settings for the speaker. A stored <paramref name="profile"/> (measured from uploaded samples) wins over
    /// the live estimate for whatever it measured (pitch, rate); its provider voice id is used when
    /// <paramref name="synthesizer"/> offers that voice.
    /// </summary>
    /// <param name="baseVoice">A configured voice (e.g. the room's voice for the speaker), or null.</param>
    /// <param name="profile">The speaker's voice profile, or null.</param>
    /// <param name="synthesizer">What the synthesiser offers (to check the provider voice id), or null.</param>
    public VoiceSettings Choose(VoiceSettings? baseVoice, SpeakerVoiceProfile? profile, SynthesizerCapabilities? synthesizer)
    {
        var v = baseVoice ?? VoiceSettings.Default;
        if (profile?.ProviderVoiceId is { Length: > 0 } id && synthesizer is not null && synthesizer.Voices.Any(x => string.Equals(x.Id, id, StringComparison.Ordinal)))
        {
            v = v with { VoiceId = id };
        }

        var profilePitch = profile?.MedianPitchHz is double pp && pp > 0 ? pp : 0;
        var profileRate = profile?.SyllablesPerSecond is double pr && pr > 0 ? pr : 0;
        var pitch = profilePitch > 0 ? profilePitch : MedianPitchHz;
        var syllables = profileRate > 0 ? profileRate : MedianSyllablesPerSecond;
        if (pitch <= 0)
        {
            return profileRate > 0 ? v with { Rate = RateFor(profileRate) } : v;
        }

        var gender = v.VoiceId is null ? (pitch < GenderSplitHz ? VoiceGender.Male : VoiceGender.Female) : v.Gender;
        if (gender == VoiceGender.Unknown)
        {
            gender = pitch < GenderSplitHz ? VoiceGender.Male : VoiceGender.Female;
        }

        var norm = gender == VoiceGender.Male ? MaleNormHz : FemaleNormHz;
        // One octave above the gender norm moves the engine's 0–99 pitch scale by about 30.
        var enginePitch = (int)Math.Clamp(50 + (30 * Math.Log2(pitch / norm)), 15, 85);
        var rate = syllables <= 0 ? 1.0 : RateFor(syllables);
        var variant = gender == VoiceGender.Male ? (pitch < 105 ? 3 : 1) : (pitch > 230 ? 4 : 2);
        return v with { Gender = gender, Variant = v.VoiceId is null ? variant : v.Variant, Pitch = enginePitch, Rate = rate };
    }

    private static double RateFor(double syllablesPerSecond) => Math.Clamp(syllablesPerSecond / NormalSyllablesPerSecond, 0.75, 1.5);

    private static void Push(Queue<double> q, double v)
    {
        q.Enqueue(v);
        while (q.Count > History)
        {
            q.Dequeue();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length == 0 ? 0 : s[s.Length / 2];
    }
}

/// <summary>
/// A speaker's stored voice profile (from uploaded samples): overrides the live pitch and rate estimate, and names a
/// cloned voice at a cloud synthesiser when there is one.
/// </summary>
/// <param name="MedianPitchHz">Median pitch, or null when not measured.</param>
/// <param name="SyllablesPerSecond">Speaking rate, or null when not measured.</param>
/// <param name="ProviderVoiceId">A provider voice id (cloud cloning), or null.</param>
public sealed record SpeakerVoiceProfile(double? MedianPitchHz, double? SyllablesPerSecond, string? ProviderVoiceId = null);
