using System.Diagnostics;
using Tolk.Media.Rtp.Native;

namespace Tolk.Media.Mixing;

// Scheduling: either the provider's periodic timer (tests, ManualTimeProvider) or, for the system
// clock, a dedicated high-resolution thread. Both compute deadlines from the start timestamp, so a
// late tick does not shift later ones (no drift), and both go through RunDueTicks.
public sealed partial class MixerClock
{
    private ITimer? _timer;
    private Thread? _thread;
    private CancellationTokenSource? _stop;

    /// <summary>True between <see cref="Start"/> and <see cref="StopAsync"/>.</summary>
    public bool IsRunning => Volatile.Read(ref _running) != 0;

    /// <summary>Starts ticking every 20 ms.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The mixer clock is already running.");
        }
        _startTimestamp = _time.GetTimestamp();
        _scheduled = 0;
        var mode = Options.Mode == MixerClockMode.Auto
            ? (ReferenceEquals(_time, TimeProvider.System) ? MixerClockMode.HighResolution : MixerClockMode.Timer)
            : Options.Mode;
        MixerLog.ClockStarted(_logger, mode.ToString(), Period.TotalMilliseconds, SocketRing.Probe());
        var logger = _logger;
        SocketRing.Broken = status => MixerLog.SocketIoBroken(logger, status);
        if (mode == MixerClockMode.Timer)
        {
            _timer = _time.CreateTimer(static s => ((MixerClock)s!).OnTimer(), this, Period, Period);
            return;
        }
        _stop = new CancellationTokenSource();
        _thread = new Thread(() => HighResolutionLoop(_stop.Token))
        {
            IsBackground = true,
            Name = "tolk-mixer-clock",
            Priority = ThreadPriority.AboveNormal,
        };
        _thread.Start();
    }

    /// <summary>Stops ticking; the rooms keep their state.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _running, 0) == 0)
        {
            StopWorkers(); // TickNow may have started them without Start
            return;
        }
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
            _timer = null;
        }
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            var thread = _thread;
            if (thread is not null && thread != Thread.CurrentThread)
            {
                await Task.Run(() => thread.Join());
            }
            _stop.Dispose();
            _stop = null;
            _thread = null;
        }
        StopWorkers();
    }

    /// <inheritdoc />
    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private int _inTimer;

    private void OnTimer()
    {
        // A thread-pool timer can fire again while a slow tick is still running; the second call
        // returns and the next one catches up through RunDueTicks.
        if (Interlocked.Exchange(ref _inTimer, 1) != 0)
        {
            return;
        }
        try
        {
            if (IsRunning)
            {
                RunDueTicks(_time.GetTimestamp());
            }
        }
        finally
        {
            Volatile.Write(ref _inTimer, 0);
        }
    }

    private bool AnyRoomAwake()
    {
        foreach (var room in _rooms)
        {
            if (!room.IsIdle)
            {
                return true;
            }
        }
        return false;
    }

    private int _realtimeReported;

    /// <summary>Puts the calling mixer thread on the real-time scheduler when configured; the first outcome is logged.</summary>
    internal void EnterRealtime()
    {
        if (Options.RealtimePriority is not { } priority)
        {
            return;
        }
        var failure = RealtimeScheduling.TryEnter(priority);
        if (Interlocked.Exchange(ref _realtimeReported, 1) == 0)
        {
            if (failure is null)
            {
                MixerLog.RealtimeEntered(_logger, priority);
            }
            else
            {
                MixerLog.RealtimeRefused(_logger, priority, failure);
            }
        }
    }

    private void HighResolutionLoop(CancellationToken stop)
    {
        EnterRealtime();
        long spinWindow = ToTimestamp(Options.SpinWindow);
        while (!stop.IsCancellationRequested)
        {
            long deadline = _startTimestamp + ((_scheduled + 1) * _periodTimestamp);
            long remaining = deadline - _time.GetTimestamp();

            // Spin the last stretch only while something is mixing; an idle server just sleeps.
            // Thread.Sleep rounds down to whole milliseconds (0 is a busy yield), so never ask for < 1 ms.
            long spin = AnyRoomAwake() ? spinWindow : 0;
            if (remaining > spin)
            {
                var sleepMs = Math.Max(1, (int)_time.GetElapsedTime(0, remaining - spin).TotalMilliseconds);
                Thread.Sleep(sleepMs);
                continue;
            }
            while (_time.GetTimestamp() < deadline)
            {
                if (!Thread.Yield())
                {
                    Thread.SpinWait(20);
                }
            }
            RunDueTicks(_time.GetTimestamp());
        }
        Debug.Assert(_thread is null || _thread == Thread.CurrentThread, "single clock thread");
    }
}
