namespace Tolk.Speech;

/// <summary>The audio format of the speech layer: 16 kHz mono 16-bit PCM in 20 ms frames.</summary>
public static class SpeechAudio
{
    /// <summary>Sample rate of all PCM crossing the speech layer's API.</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples in one 20 ms frame.</summary>
    public const int FrameSamples = 320;

    /// <summary>Duration of <paramref name="samples"/> samples at 16 kHz.</summary>
    public static TimeSpan Duration(long samples) => TimeSpan.FromSeconds(samples / (double)SampleRate);
}
