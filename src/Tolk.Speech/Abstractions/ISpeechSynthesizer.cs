namespace Tolk.Speech;

/// <summary>Voice gender as the engines expose it.</summary>
public enum VoiceGender
{
    /// <summary>Not known or not relevant.</summary>
    Unknown,
    /// <summary>Male-sounding voice.</summary>
    Male,
    /// <summary>Female-sounding voice.</summary>
    Female,
}

/// <summary>How to speak: voice and prosody. Neutral values leave the engine's defaults.</summary>
/// <param name="VoiceId">Engine voice id (e.g. "slt", "es+f3"); null lets the engine choose by language and gender.</param>
/// <param name="Gender">Preferred gender when <paramref name="VoiceId"/> is null.</param>
/// <param name="Variant">Variant number within the gender (espeak-ng +m1..+m7, +f1..+f4); 0 = default.</param>
/// <param name="Pitch">Base pitch 0..100 (50 = engine default).</param>
/// <param name="Rate">Speaking rate relative to the engine default (1.0 = default).</param>
/// <param name="Amplitude">Loudness 0..200 (100 = default).</param>
/// <param name="Ssml">True when the text is SSML markup.</param>
public sealed record VoiceSettings(
    string? VoiceId = null,
    VoiceGender Gender = VoiceGender.Unknown,
    int Variant = 0,
    int Pitch = 50,
    double Rate = 1.0,
    int Amplitude = 100,
    bool Ssml = false)
{
    /// <summary>Engine defaults.</summary>
    public static VoiceSettings Default { get; } = new();
}

/// <summary>A chunk of synthesised PCM, 16-bit mono.</summary>
public sealed record AudioChunk(short[] Samples, int SampleRate)
{
    /// <summary>Duration of the chunk.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}

/// <summary>A speech synthesiser that yields audio as it is produced.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>Provider name used in usage records and logs.</summary>
    string Name { get; }

    /// <summary>Languages, voices, output rate.</summary>
    SynthesizerCapabilities Capabilities { get; }

    /// <summary>Speaks <paramref name="text"/> in <paramref name="language"/>; chunks are yielded as the engine produces them.</summary>
    IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, string language, VoiceSettings voice, SpeechContext context, CancellationToken cancellationToken = default);
}
