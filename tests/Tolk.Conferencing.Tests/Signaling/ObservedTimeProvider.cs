using System.Collections.Concurrent;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// The manual clock, with a log of the timers created on it: work that finishes on the thread pool
/// (a refresh answered, a NOTIFY acknowledged) arms its timer at some moment, and a test waits for
/// that before it moves the clock.
/// </summary>
internal sealed class ObservedTimeProvider(ManualTimeProvider inner) : TimeProvider
{
    public ConcurrentQueue<TimeSpan> Created { get; } = new();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Created.Enqueue(dueTime);
        return inner.CreateTimer(callback, state, dueTime, period);
    }

    /// <summary>How many timers were created with exactly this due time.</summary>
    public int CountDue(TimeSpan dueTime) => Created.Count(d => d == dueTime);
}
