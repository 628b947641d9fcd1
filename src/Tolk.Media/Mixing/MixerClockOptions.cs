namespace Tolk.Media.Mixing;

/// <summary>Settings of the shared mixer clock.</summary>
public sealed record MixerClockOptions
{
    /// <summary>A tick later than this counts as late in <see cref="MixerClockStatistics.LateTicks"/>.</summary>
    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// When the clock falls behind (a GC pause, an overloaded host), it runs up to this many extra ticks
    /// back to back to catch up; beyond that it skips ticks (late audio is worthless) and counts them.
    /// </summary>
    public int MaxCatchUpTicks { get; init; } = 3;

    /// <summary>
    /// How to wait between ticks. <see cref="MixerClockMode.Auto"/> uses the high-resolution loop for
    /// <see cref="TimeProvider.System"/> and the provider's periodic timer otherwise (tests).
    /// </summary>
    public MixerClockMode Mode { get; init; } = MixerClockMode.Auto;

    /// <summary>
    /// High-resolution mode only: the loop sleeps until this long before a deadline, then yields the
    /// CPU until it (Thread.Sleep is only about 1 ms accurate). Larger = more precise, more CPU. Zero
    /// (the default) sleeps only: a tick then starts up to about 1 ms after its deadline, which the
    /// jitter buffers absorb, while yielding in a loop costs a few % of a core and, on a busy host,
    /// thousands of sched_yield calls per second.
    /// </summary>
    public TimeSpan SpinWindow { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Threads that share the work of a tick, the clock thread included (null: one per processor).
    /// Decoding inputs and encoding mixes of all awake rooms is spread over them; 1 keeps every tick
    /// on the clock thread.
    /// </summary>
    public int? Workers { get; init; }

    /// <summary>
    /// A tick whose awake rooms have fewer members than this runs on the clock thread alone: waking
    /// workers costs more than it saves for a few participants.
    /// </summary>
    public int ParallelMinParticipants { get; init; } = 16;

    /// <summary>
    /// A tick fans out to the workers only when the recent ticks' work, summed over the threads that did it, reached
    /// this long; below it one thread does the tick. Waking a worker and waiting for it costs futex system calls on
    /// both sides three times a tick and splits each stage's socket batch in smaller ones, which for a 2 ms tick
    /// costs more CPU than the millisecond it saves. Zero fans out whenever <see cref="ParallelMinParticipants"/>
    /// allows.
    /// </summary>
    public TimeSpan ParallelMinTickWork { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// 1–99: the clock thread and its workers run under the kernel's real-time FIFO scheduler at this priority, so
    /// other processes on the same cores cannot delay a tick (needs root, CAP_SYS_NICE or an rtprio limit; the
    /// clock logs whether it got it). Null (the default): the normal scheduler.
    /// </summary>
    public int? RealtimePriority { get; init; }
}

/// <summary>How the <see cref="MixerClock"/> waits for the next tick.</summary>
public enum MixerClockMode
{
    /// <summary>High-resolution loop for the system clock, periodic timer otherwise.</summary>
    Auto,

    /// <summary>A periodic <see cref="ITimer"/> from the injected <see cref="TimeProvider"/>.</summary>
    Timer,

    /// <summary>
    /// A dedicated thread that sleeps until shortly before each deadline and then yields until it,
    /// with deadlines computed from the start (so no drift accumulates). Wall-clock only.
    /// </summary>
    HighResolution,
}
