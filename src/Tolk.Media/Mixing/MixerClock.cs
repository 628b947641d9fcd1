using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tolk.Media.Mixing;

/// <summary>
/// The one 20 ms clock that drives every <see cref="MixerRoom"/> of the process from a single loop
/// (no thread per room). Idle rooms cost a flag check per tick.
/// </summary>
public sealed partial class MixerClock : IDisposable, IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly long _periodTimestamp;
    private readonly long _lateThresholdTimestamp;
    private readonly long _parallelMinWorkTimestamp;
    private volatile MixerRoom[] _rooms = [];
    private long _startTimestamp;
    private long _scheduled; // ticks whose deadlines have been served (run or skipped)
    private long _ticks;
    private long _lateTicks;
    private long _skippedTicks;
    private long _sharedTicks;
    private long _maxLateness;
    private long _totalLateness;
    private long _lastDuration;
    private long _maxDuration;
    private int _running;

    /// <summary>Creates a clock (call <see cref="Start"/> to run it, or drive it with <see cref="TickNow"/>).</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> in production.</param>
    /// <param name="options">Timing settings.</param>
    /// <param name="logger">Logger for late/skipped ticks and failures.</param>
    /// <param name="meterFactory">When given, publishes the <c>tolk.mixer.*</c> instruments.</param>
    public MixerClock(TimeProvider timeProvider, MixerClockOptions? options = null, ILogger<MixerClock>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        Options = options ?? new MixerClockOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxCatchUpTicks, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _periodTimestamp = ToTimestamp(Period);
        _lateThresholdTimestamp = ToTimestamp(Options.LateThreshold);
        _parallelMinWorkTimestamp = ToTimestamp(Options.ParallelMinTickWork);
        if (meterFactory is not null)
        {
            CreateInstruments(meterFactory);
        }
    }

    /// <summary>The tick period: one 20 ms frame.</summary>
    public static TimeSpan Period => MixerFormat.FrameDuration;

    /// <summary>Samples per frame delivered each tick (320 at 16 kHz).</summary>
    public static int SamplesPerFrame => MixerFormat.SamplesPerFrame;

    /// <summary>Sample rate of every frame (16 000 Hz).</summary>
    public static int SampleRate => MixerFormat.SampleRate;

    /// <summary>The clock settings.</summary>
    public MixerClockOptions Options { get; }

    /// <summary>The rooms driven by this clock (a snapshot).</summary>
    public IReadOnlyList<MixerRoom> Rooms => Array.AsReadOnly(_rooms);

    /// <summary>Ticks run so far.</summary>
    public long TickCount => Interlocked.Read(ref _ticks);

    /// <summary>Creates a room and attaches it to this clock.</summary>
    public MixerRoom CreateRoom(string id, MixerRoomOptions? options = null, ILogger<MixerRoom>? logger = null)
    {
        var room = new MixerRoom(id, options, logger);
        AddRoom(room);
        return room;
    }

    /// <summary>Attaches a room (a room can belong to one clock only).</summary>
    public void AddRoom(MixerRoom room)
    {
        ArgumentNullException.ThrowIfNull(room);
        lock (_gate)
        {
            if (room.Clock is not null)
            {
                throw new InvalidOperationException($"Room '{room.Id}' is already driven by a clock.");
            }
            room.Clock = this;
            _rooms = [.. _rooms, room];
        }
    }

    /// <summary>Detaches a room; returns false when it was not attached.</summary>
    public bool RemoveRoom(MixerRoom room)
    {
        ArgumentNullException.ThrowIfNull(room);
        lock (_gate)
        {
            if (room.Clock != this)
            {
                return false;
            }
            room.Clock = null;
            _rooms = [.. _rooms.Where(r => r != room)];
            return true;
        }
    }

    /// <summary>
    /// Runs one tick for every room immediately, outside the schedule (benchmarks, tests, or an
    /// external clock). Must not be called concurrently with a running clock.
    /// </summary>
    public void TickNow() => RunTick(lateness: 0);

    /// <summary>Timing statistics so far.</summary>
    public MixerClockStatistics GetStatistics()
    {
        long ticks = Interlocked.Read(ref _ticks);
        long total = Interlocked.Read(ref _totalLateness);
        return new MixerClockStatistics(
            ticks,
            Interlocked.Read(ref _lateTicks),
            Interlocked.Read(ref _skippedTicks),
            _time.GetElapsedTime(0, Interlocked.Read(ref _maxLateness)),
            ticks == 0 ? TimeSpan.Zero : _time.GetElapsedTime(0, total / ticks),
            _time.GetElapsedTime(0, Interlocked.Read(ref _lastDuration)),
            _time.GetElapsedTime(0, Interlocked.Read(ref _maxDuration)),
            Interlocked.Read(ref _sharedTicks));
    }

    /// <summary>Serves every deadline that has passed at <paramref name="now"/> (catching up or skipping).</summary>
    private void RunDueTicks(long now)
    {
        long due = (now - _startTimestamp) / _periodTimestamp; // deadlines passed so far
        long behind = due - _scheduled;
        if (behind <= 0)
        {
            return;
        }
        if (behind > Options.MaxCatchUpTicks + 1)
        {
            long skip = behind - (Options.MaxCatchUpTicks + 1);
            _scheduled += skip;
            Interlocked.Add(ref _skippedTicks, skip);
            MixerLog.SkippedTicks(_logger, behind, skip);
        }
        while (_scheduled < due)
        {
            _scheduled++;
            long deadline = _startTimestamp + (_scheduled * _periodTimestamp);
            RunTick(Math.Max(0, _time.GetTimestamp() - deadline));
        }
    }

    private void RunTick(long lateness)
    {
        long tick = Interlocked.Increment(ref _ticks);
        if (lateness > _lateThresholdTimestamp)
        {
            Interlocked.Increment(ref _lateTicks);
            MixerLog.LateTick(_logger, _time.GetElapsedTime(0, lateness).TotalMilliseconds, tick);
        }
        Interlocked.Add(ref _totalLateness, lateness);
        if (lateness > Interlocked.Read(ref _maxLateness))
        {
            Interlocked.Exchange(ref _maxLateness, lateness);
        }

        long started = _time.GetTimestamp();
        RunRooms(_rooms, tick);
        long duration = _time.GetTimestamp() - started;
        Interlocked.Exchange(ref _lastDuration, duration);
        if (duration > Interlocked.Read(ref _maxDuration))
        {
            Interlocked.Exchange(ref _maxDuration, duration);
        }
    }

    private long ToTimestamp(TimeSpan span) =>
        (long)Math.Round(span.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);
}
