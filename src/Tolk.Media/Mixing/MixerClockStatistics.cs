namespace Tolk.Media.Mixing;

/// <summary>A snapshot of the mixer clock's timing.</summary>
/// <param name="Ticks">Ticks run so far.</param>
/// <param name="LateTicks">Ticks that started later than <see cref="MixerClockOptions.LateThreshold"/>.</param>
/// <param name="SkippedTicks">Ticks dropped because the clock was too far behind to catch up.</param>
/// <param name="MaxLateness">Largest lateness of a tick's start against its deadline.</param>
/// <param name="MeanLateness">Average lateness of a tick's start.</param>
/// <param name="LastTickDuration">Time spent mixing all rooms in the last tick.</param>
/// <param name="MaxTickDuration">Longest time spent mixing all rooms in one tick.</param>
/// <param name="SharedTicks">Ticks whose work was shared with the worker threads (the rest ran on the clock thread alone).</param>
public readonly record struct MixerClockStatistics(
    long Ticks,
    long LateTicks,
    long SkippedTicks,
    TimeSpan MaxLateness,
    TimeSpan MeanLateness,
    TimeSpan LastTickDuration,
    TimeSpan MaxTickDuration,
    long SharedTicks);
