using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Tolk.Media.Rtp;

namespace Tolk.Media.Tests.Rtp;

public sealed class RtpMetricsTests
{
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var m in _meters)
            {
                m.Dispose();
            }
        }
    }

    [Fact]
    public async Task Session_reports_received_sent_and_dropped_packets()
    {
        using var factory = new TestMeterFactory();
        var metrics = new RtpMetrics(factory);
        var measurements = new ConcurrentQueue<(string Name, long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            measurements.Enqueue((instrument.Name, value, reason));
        });
        listener.Start();

        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var delivered = new TaskCompletionSource();
        await using var session = new RtpSession(new RtpSessionOptions
        {
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RemoteEndPoint = (IPEndPoint)peer.Client.LocalEndPoint!,
            Metrics = metrics,
        }, (_, _) => delivered.TrySetResult());
        session.Start();
        await peer.SendAsync(new byte[] { 0x80, 0 }, session.LocalEndPoint); // too short
        var packet = new byte[172];
        new RtpHeader(0, 1, 0, 9).TryWrite(packet, new byte[160], out _);
        await peer.SendAsync(packet, session.LocalEndPoint);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(session.Send(0, 0, new byte[160]));

        Assert.Contains(measurements, m => m is ("tolk.rtp.packets_dropped", 1, "malformed"));
        Assert.Contains(measurements, m => m is ("tolk.rtp.packets_received", 1, null));
        Assert.Contains(measurements, m => m is ("tolk.rtp.packets_sent", 1, null));
    }
}
