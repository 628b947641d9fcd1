namespace Tolk.Speech.Resilience;

/// <summary>Timeout and retry settings for a provider decorator.</summary>
public sealed class SpeechResilienceOptions
{
    /// <summary>Longest one attempt may take (for synthesis: until the first chunk).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries after the first attempt (0 = none). Unsupported-language errors are never retried.</summary>
    public int MaxRetries { get; set; } = 1;

    /// <summary>Delay before a retry.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
