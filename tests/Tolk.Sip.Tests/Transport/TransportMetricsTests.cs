using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Tolk.Sip.Transport;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

public sealed class TransportMetricsTests
{
    [Fact]
    public async Task Received_messages_parse_errors_and_connections_are_measured()
    {
        var measurements = new List<(string Name, long Value)>();
        using var factory = new TestMeterFactory();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this test's meter: other tests run managers in parallel.
            if (factory.Meters.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value));
            }
        });
        listener.Start();

        var options = new SipTransportOptions();
        options.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
        options.Listeners.Add(new SipListenerOptions(SipTransportKind.Tcp, IPAddress.Loopback, 0));
        await using var manager = new SipTransportManager(options, meterFactory: factory);
        await manager.StartAsync();
        Assert.Equal("Tolk.Sip.Transport", Assert.Single(factory.Meters).Name);
        using var udp = UdpClient(manager.Bound(SipTransportKind.Udp));
        await udp.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "m1")));
        await udp.SendAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "m2", contentLength: "x")));
        await manager.NextAsync();
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(manager.Bound(SipTransportKind.Tcp));
            await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Request("OPTIONS", "m3", transport: "TCP")));
            await manager.NextAsync();
        }
        await EventuallyAsync(() => manager.ConnectionCount == 0, "TCP connection closed");

        long Sum(string name)
        {
            lock (measurements)
            {
                return measurements.Where(m => m.Name == name).Sum(m => m.Value);
            }
        }
        Assert.Equal(2, Sum("tolk.sip.messages_received"));
        Assert.Equal(1, Sum("tolk.sip.parse_errors"));
        await EventuallyAsync(() => Sum("tolk.sip.connections") == 0, "connection gauge back to 0");
        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Name == "tolk.sip.connections" && m.Value == 1);
        }
    }
}

internal sealed class TestMeterFactory : IMeterFactory
{
    public List<Meter> Meters { get; } = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        Meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var m in Meters)
        {
            m.Dispose();
        }
    }
}
