using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Live;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Api.Webhooks;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Tests;

/// <summary>
/// Webhook deliveries across a restart, each test with its own host that it stops and starts again on the same
/// database: what was accepted before the stop — attempted, waiting for a delivery slot, or still queued — reaches
/// a real receiver after the restart, once, with the same delivery id and body and a valid signature; rows that
/// cannot be sent again are marked failed; bodies are not kept once a delivery is settled.
/// </summary>
public abstract class WebhookRestartTests(string provider)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Tolk:Api:Webhooks:AllowPrivateNetworks"] = "true",
        ["Tolk:Api:Webhooks:RetryBaseSeconds"] = "2",
        // One slot: while the first event waits for its retry, the second waits for the slot and the third stays queued.
        ["Tolk:Api:Webhooks:MaxConcurrentDeliveries"] = "1",
    };

    private static async Task<(Guid Tenant, Guid HookId, string Secret)> SetUpAsync(TestHost host, Uri url)
    {
        using var master = host.Client(await host.TokenAsync(TestHost.AdminEmail, TestHost.AdminPassword));
        var tenant = await master.PostJsonAsync("/api/tenants", new { name = "Restart", domains = new[] { "restart.tenants.test" } });
        Assert.Equal(HttpStatusCode.Created, tenant.Status);
        var hook = await master.PostJsonAsync($"/api/tenants/{tenant.Id}/webhooks", new { url = url.ToString(), events = new[] { "call.ended" } });
        Assert.Equal(HttpStatusCode.Created, hook.Status);
        return (Guid.Parse(tenant.Id), Guid.Parse(hook.Id), hook.Json.GetProperty("secret").GetString()!);
    }

    private static async Task<List<WebhookDelivery>> RowsAsync(TestHost host, Guid hookId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return await db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == hookId).OrderBy(d => d.Id).ToListAsync();
    }

    private static async Task<List<WebhookDelivery>> WaitForRowsAsync(TestHost host, Guid hookId, Func<List<WebhookDelivery>, bool> done, Action? step = null)
    {
        for (var i = 0; i < 400; i++)
        {
            var rows = await RowsAsync(host, hookId);
            if (done(rows))
            {
                return rows;
            }

            step?.Invoke();
            await Task.Delay(25);
        }

        throw new TimeoutException("the delivery rows did not reach the expected state");
    }

    private static void EndCall(TestHost host, Guid tenant, string callId) =>
        host.Services.GetRequiredService<RoomActivityPublisher>().Call(tenant, WebhookEventTypes.CallEnded, new { callId }, host.Clock.GetUtcNow());

    [Fact]
    public async Task Events_accepted_before_a_shutdown_are_delivered_once_after_the_restart()
    {
        await using var receiver = await HookReceiver.StartAsync([503]);
        var host = await TestHost.StartAsync(provider, Settings);
        try
        {
            var (tenant, hookId, secret) = await SetUpAsync(host, receiver.Url);

            // c1 is attempted (503) and waits for its retry on the host's clock, which is not moved: it holds the slot.
            EndCall(host, tenant, "c1");
            await WaitForRowsAsync(host, hookId, rows => rows.Count == 1 && rows[0].LastStatusCode == 503);
            // c2 gets its row and waits for the slot; c3 stays in the queue.
            EndCall(host, tenant, "c2");
            EndCall(host, tenant, "c3");
            var before = await WaitForRowsAsync(host, hookId, rows => rows.Count == 2);
            Assert.Single(receiver.Received);
            Assert.All(before, r => Assert.Equal(WebhookDeliveryStatus.Pending, r.Status));
            var c2Payload = before[1].Payload;
            Assert.NotNull(c2Payload);

            host = await host.RestartAsync();

            var after = await WaitForRowsAsync(host, hookId,
                rows => rows.Count == 3 && rows.All(r => r.Status == WebhookDeliveryStatus.Delivered),
                () => host.Clock.Advance(TimeSpan.FromSeconds(1)));
            // Bodies are dropped once delivered (privacy); the log keeps the outcome.
            Assert.All(after, r => Assert.Null(r.Payload));
            Assert.Equal([2, 1, 1], after.Select(r => r.Attempts));

            await Task.Delay(200);
            var received = receiver.Received.ToArray();
            Assert.Equal(4, received.Length);
            foreach (var (row, callId, count) in after.Zip(["c1", "c2", "c3"], (r, c) => (r, c, c == "c1" ? 2 : 1)))
            {
                var copies = received.Where(h => h.Headers[WebhookSignature.DeliveryHeader] == row.EventId.ToString()).ToList();
                Assert.Equal(count, copies.Count);
                foreach (var hook in copies)
                {
                    var timestamp = long.Parse(hook.Headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(WebhookSignature.Verify(secret, timestamp, hook.Body, hook.Headers[WebhookSignature.SignatureHeader]));
                    Assert.Equal("call.ended", hook.Headers[WebhookSignature.EventHeader]);
                    var body = JsonDocument.Parse(hook.Body).RootElement;
                    Assert.Equal(row.EventId.ToString(), body.GetProperty("id").GetString());
                    Assert.Equal(callId, body.GetProperty("data").GetProperty("callId").GetString());
                }

                // The retry after the restart sends the very bytes of the first attempt.
                Assert.All(copies, c => Assert.Equal(copies[0].Body, c.Body));
            }

            var c2 = received.Single(h => h.Headers[WebhookSignature.DeliveryHeader] == after[1].EventId.ToString());
            Assert.Equal(Encoding.UTF8.GetBytes(c2Payload), c2.Body);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Pending_rows_without_a_body_or_with_a_disabled_webhook_are_marked_failed_on_start()
    {
        await using var receiver = await HookReceiver.StartAsync([]);
        var host = await TestHost.StartAsync(provider, Settings);
        try
        {
            var (tenant, hookId, _) = await SetUpAsync(host, receiver.Url);
            var disabledId = await AddHookAsync(host, tenant, receiver.Url);
            await using (var scope = host.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
                var now = host.Clock.GetUtcNow().UtcDateTime;
                // As a version before bodies were kept left it: pending, no payload.
                db.WebhookDeliveries.Add(new WebhookDelivery { TenantId = tenant, WebhookId = hookId, EventId = Guid.NewGuid(), Event = "call.ended", CreatedUtc = now, Attempts = 1 });
                db.WebhookDeliveries.Add(new WebhookDelivery { TenantId = tenant, WebhookId = disabledId, EventId = Guid.NewGuid(), Event = "call.ended", CreatedUtc = now, Payload = "{}" });
                await db.SaveChangesAsync();
                await db.Webhooks.Where(w => w.Id == disabledId).ExecuteUpdateAsync(s => s.SetProperty(w => w.Disabled, true));
            }

            host = await host.RestartAsync();

            var legacy = Assert.Single(await WaitForRowsAsync(host, hookId, rows => rows.Count == 1 && rows[0].Status == WebhookDeliveryStatus.Failed));
            Assert.Contains("did not keep its body", legacy.LastError, StringComparison.Ordinal);
            Assert.Equal(1, legacy.Attempts);
            var disabled = Assert.Single(await WaitForRowsAsync(host, disabledId, rows => rows.Count == 1 && rows[0].Status == WebhookDeliveryStatus.Failed));
            Assert.Contains("disabled", disabled.LastError, StringComparison.Ordinal);
            Assert.Null(disabled.Payload);
            Assert.Empty(receiver.Received);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<Guid> AddHookAsync(TestHost host, Guid tenant, Uri url)
    {
        using var master = host.Client(await host.TokenAsync(TestHost.AdminEmail, TestHost.AdminPassword));
        var hook = await master.PostJsonAsync($"/api/tenants/{tenant}/webhooks", new { url = url.ToString(), events = new[] { "call.ended" } });
        Assert.Equal(HttpStatusCode.Created, hook.Status);
        return Guid.Parse(hook.Id);
    }
}

[Collection("sqlite")]
public sealed class SqliteWebhookRestartTests() : WebhookRestartTests("sqlite");

[Collection("postgres")]
public sealed class PostgresWebhookRestartTests() : WebhookRestartTests("postgresql");
