using System.Net;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;
using Tolk.Testing;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

public sealed class RateLimitTests
{
    [Fact]
    public async Task INVITE_flood_gets_503_with_Retry_After_while_in_dialog_requests_pass()
    {
        var clock = new ManualTimeProvider();
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.RateLimit.PermitsPerSecond = 20;
            o.RateLimit.Burst = 40;
            o.RateLimit.RetryAfterSeconds = 7;
        }, clock);
        using var client = UdpClient(manager.Bound(SipTransportKind.Udp));

        // 60 new INVITEs at one instant: the burst of 40 passes, 20 are refused.
        for (var i = 0; i < 60; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(Request("INVITE", "flood-" + i)));
        }
        var refusals = new List<SipResponse>();
        for (var i = 0; i < 20; i++)
        {
            refusals.Add(Assert.IsType<SipResponse>(await ReceiveUdpAsync(client)));
        }
        Assert.All(refusals, r =>
        {
            Assert.Equal(503, r.StatusCode);
            Assert.Equal("7", r.Headers[SipHeaderNames.RetryAfter]);
            Assert.NotNull(r.To!.Tag);
        });
        await EventuallyAsync(() => manager.Statistics.MessagesReceived == 40, "40 INVITEs handed up");
        Assert.Equal(20, manager.Statistics.RateLimited);

        // Still flooded: an in-dialog BYE, an ACK, a CANCEL and a re-INVITE (To tag) all go through.
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("BYE", "flood-0", toTag: "b1", cseq: 2)));
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("ACK", "flood-1", toTag: "b1")));
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("CANCEL", "flood-2")));
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("INVITE", "flood-3", toTag: "b1", cseq: 3)));
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("INVITE", "flood-new")));
        Assert.Equal(503, Assert.IsType<SipResponse>(await ReceiveUdpAsync(client)).StatusCode);

        var methods = new List<string>();
        for (var i = 0; i < 44; i++)
        {
            var m = await manager.NextAsync();
            if (i >= 40)
            {
                methods.Add(((SipRequest)m.Message).Method);
            }
        }
        Assert.Equal(["BYE", "ACK", "CANCEL", "INVITE"], methods);

        // One second later 20 tokens are back.
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.SendAsync(Encoding.UTF8.GetBytes(Request("INVITE", "after-refill")));
        Assert.Equal("after-refill", (await manager.NextAsync()).Message.CallId);
    }

    [Fact]
    public async Task An_exempt_source_such_as_the_sbc_is_never_limited()
    {
        var clock = new ManualTimeProvider();
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.RateLimit.Burst = 1;
            o.RateLimit.PermitsPerSecond = 1;
            o.RateLimit.Exempt = source => IPAddress.IsLoopback(source.EndPoint.Address);
        }, clock);
        using var client = UdpClient(manager.Bound(SipTransportKind.Udp));

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(Request("INVITE", "sbc-" + i)));
        }

        await EventuallyAsync(() => manager.Statistics.MessagesReceived == 5, "5 INVITEs handed up");
        Assert.Equal(0, manager.Statistics.RateLimited);
    }

    [Fact]
    public async Task Limit_is_per_source_address()
    {
        var clock = new ManualTimeProvider();
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.Loopback, 0));
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Udp, IPAddress.IPv6Loopback, 0));
            o.RateLimit.Burst = 1;
            o.RateLimit.PermitsPerSecond = 1;
        }, clock);
        using var v4 = UdpClient(manager.Bound(SipTransportKind.Udp));
        using var v6 = UdpClient(manager.Bound(SipTransportKind.Udp, System.Net.Sockets.AddressFamily.InterNetworkV6));

        await v4.SendAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "v4-1")));
        await v4.SendAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "v4-2")));
        Assert.Equal(503, Assert.IsType<SipResponse>(await ReceiveUdpAsync(v4)).StatusCode);
        await v6.SendAsync(Encoding.UTF8.GetBytes(Request("REGISTER", "v6-1")));

        Assert.Equal("v4-1", (await manager.NextAsync()).Message.CallId);
        Assert.Equal("v6-1", (await manager.NextAsync()).Message.CallId);
    }

    [Fact]
    public void Token_bucket_refills_at_the_configured_rate_and_caps_at_burst()
    {
        var clock = new ManualTimeProvider();
        var limiter = new SipRateLimiter(new SipRateLimitOptions { PermitsPerSecond = 10, Burst = 5 }, clock);
        var ip = IPAddress.Parse("192.0.2.1");

        Assert.Equal(5, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(ip)));
        clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(ip)));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(ip)));
    }

    [Fact]
    public void Limiter_table_stays_bounded_under_a_spoofed_source_flood()
    {
        var clock = new ManualTimeProvider();
        var limiter = new SipRateLimiter(new SipRateLimitOptions
        {
            PermitsPerSecond = 1,
            Burst = 2,
            MaxTrackedAddresses = 100,
            IdleExpiry = TimeSpan.FromSeconds(30),
        }, clock);

        var granted = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var ip = new IPAddress(BitConverter.GetBytes(0x0A000000 + i));
            if (limiter.TryAcquire(ip))
            {
                granted++;
            }
        }
        Assert.Equal(100, limiter.TrackedAddresses);
        // 100 tracked addresses got their burst; the rest shared one overflow bucket of 2.
        Assert.Equal(100 * 1 + 2, granted);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("198.51.100.1")));
        Assert.Equal(1, limiter.TrackedAddresses);
    }
}
