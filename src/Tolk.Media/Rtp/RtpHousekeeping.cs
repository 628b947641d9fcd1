using System.Runtime.CompilerServices;

namespace Tolk.Media.Rtp;

/// <summary>
/// One periodic pass per clock that serves every started session's RTCP reports and inactivity check, instead of
/// two timers per session. Each of those timers woke the timer thread and then a thread-pool thread on its own, about
/// 0.5 wake-ups per call per second (RTCP every 2.5–7.5 s, inactivity every 7.5 s); on a paravirtualised host the
/// wake-ups cost more than the reports. The pass runs every <see cref="Period"/> while any session is started (none:
/// no timer at all) and only compares a few timestamps per session when nothing is due.
/// </summary>
internal sealed class RtpHousekeeping
{
    /// <summary>How often the pass runs: the precision of report times and of the inactivity timeout.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private static readonly ConditionalWeakTable<TimeProvider, RtpHousekeeping> ByClock = [];

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private volatile RtpSession[] _sessions = []; // replaced, never changed in place: the pass reads it without the lock
    private ITimer? _timer;

    private RtpHousekeeping(TimeProvider time) => _time = time;

    /// <summary>The pass that serves sessions on <paramref name="time"/> (tests inject a manual clock).</summary>
    public static RtpHousekeeping For(TimeProvider time) => ByClock.GetValue(time, static t => new RtpHousekeeping(t));

    public void Add(RtpSession session)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_sessions, session) >= 0)
            {
                return;
            }
            _sessions = [.. _sessions, session];
            _timer ??= _time.CreateTimer(static s => ((RtpHousekeeping)s!).Pass(), this, Period, Period);
        }
    }

    public void Remove(RtpSession session)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_sessions, session) < 0)
            {
                return;
            }
            _sessions = [.. _sessions.Where(s => s != session)];
            if (_sessions.Length == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    private void Pass()
    {
        long now = _time.GetTimestamp();
        foreach (var session in _sessions)
        {
            // A session's own failures are caught and logged inside; one session must not starve the others.
            session.Housekeep(now);
        }
    }
}
