namespace Tolk.Speech;

/// <summary>Who a speech call is made for: the ids billing and transcripts attach usage to.</summary>
/// <param name="TenantId">Tenant that pays for the call.</param>
/// <param name="CallId">Conference or call id.</param>
/// <param name="ParticipantId">Participant whose audio or text is processed.</param>
public sealed record SpeechContext(string TenantId, string CallId, string ParticipantId)
{
    /// <summary>A context for tools and tests that bill nobody.</summary>
    public static SpeechContext None { get; } = new("-", "-", "-");
}

/// <summary>What kind of work a usage record measures.</summary>
public enum SpeechUsageKind
{
    /// <summary>Speech recognition, measured in audio seconds.</summary>
    Recognition,
    /// <summary>Machine translation, measured in characters.</summary>
    Translation,
    /// <summary>Speech synthesis, measured in characters (and audio seconds produced).</summary>
    Synthesis,
    /// <summary>Emotion detection, measured in audio seconds.</summary>
    Emotion,
}

/// <summary>One metered provider call, the unit billing consumes.</summary>
public sealed record SpeechUsage(
    SpeechContext Context,
    string Provider,
    SpeechUsageKind Kind,
    double AudioSeconds,
    int Characters,
    DateTimeOffset Timestamp);

/// <summary>Receives a usage record for every provider call.</summary>
public interface ISpeechUsageSink
{
    /// <summary>Records one usage event. Must not throw and must not block.</summary>
    void Record(SpeechUsage usage);
}

/// <summary>A sink that drops usage (tools, tests that do not meter).</summary>
public sealed class NullSpeechUsageSink : ISpeechUsageSink
{
    /// <summary>The shared instance.</summary>
    public static NullSpeechUsageSink Instance { get; } = new();

    /// <inheritdoc />
    public void Record(SpeechUsage usage)
    {
    }
}

/// <summary>A sink that keeps usage in memory (tests, the CLI).</summary>
public sealed class InMemorySpeechUsageSink : ISpeechUsageSink
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<SpeechUsage> _items = new();

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyCollection<SpeechUsage> Items => _items.ToArray();

    /// <inheritdoc />
    public void Record(SpeechUsage usage) => _items.Enqueue(usage);
}
