using System.Diagnostics.Metrics;

namespace Tolk.Media.Mixing;

// Observable instruments read the clock's counters when a listener collects: nothing on the hot path.
public sealed partial class MixerClock
{
    /// <summary>The meter name used for the mixer's instruments.</summary>
    public const string MeterName = "Tolk.Media.Mixer";

    private void CreateInstruments(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        meter.CreateObservableCounter("tolk.mixer.ticks", () => Interlocked.Read(ref _ticks), "{tick}", "Mixer clock ticks run");
        meter.CreateObservableCounter("tolk.mixer.late_ticks", () => Interlocked.Read(ref _lateTicks), "{tick}", "Ticks that started later than the late threshold");
        meter.CreateObservableCounter("tolk.mixer.skipped_ticks", () => Interlocked.Read(ref _skippedTicks), "{tick}", "Ticks dropped because the clock fell too far behind");
        meter.CreateObservableCounter("tolk.mixer.shared_ticks", () => Interlocked.Read(ref _sharedTicks), "{tick}", "Ticks whose work was shared with the worker threads");
        meter.CreateObservableGauge("tolk.mixer.tick_duration.max", () => _time.GetElapsedTime(0, Interlocked.Read(ref _maxDuration)).TotalSeconds, "s", "Longest time spent mixing all rooms in one tick");
        meter.CreateObservableGauge("tolk.mixer.lateness.max", () => _time.GetElapsedTime(0, Interlocked.Read(ref _maxLateness)).TotalSeconds, "s", "Largest tick start lateness");
        meter.CreateObservableGauge("tolk.mixer.rooms.active", CountActiveRooms, "{room}", "Rooms currently mixing (not idle)");
    }

    private int CountActiveRooms()
    {
        int n = 0;
        foreach (var room in _rooms)
        {
            n += room.IsIdle ? 0 : 1;
        }
        return n;
    }
}
