using System.Diagnostics.Metrics;
using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class MixerMetricsTests
{
    private sealed class MeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }

    [Fact]
    public void Clock_publishes_tick_counters()
    {
        using var factory = new MeterFactory();
        var time = new ManualTimeProvider();
        using var clock = new MixerClock(time, meterFactory: factory);
        clock.CreateRoom("a");
        clock.CreateRoom("b", new MixerRoomOptions { IdleAfterTicks = 1, JoinLeaveTones = false });
        clock.Start();
        time.Advance(TimeSpan.FromMilliseconds(200));

        var values = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => values[i.Name] = v);
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => values[i.Name] = v);
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => values[i.Name] = v);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(10, values["tolk.mixer.ticks"]);
        Assert.Equal(0, values["tolk.mixer.late_ticks"]);
        Assert.Equal(0, values["tolk.mixer.skipped_ticks"]);
        Assert.Equal(1, values["tolk.mixer.rooms.active"]); // room b went idle
        Assert.Equal(0, values["tolk.mixer.tick_duration.max"]);
    }
}
