using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Api.Webhooks;
using Tolk.Data;

namespace Tolk.Api.Tests;

/// <summary>
/// Webhooks against real local HTTP listeners: the POST arrives signed (HMAC-SHA256 over timestamp + body,
/// verified here with the secret shown at creation), a 500 is retried with backoff until a 200, the delivery
/// log shows it, HTTPS certificates are verified, and secrets are stored encrypted.
/// </summary>
public abstract class WebhookTests(ApiFixture f)
{
    private string T => $"/api/tenants/{f.TenantA}";

    private async Task<(string Id, string Secret)> CreateHookAsync(HttpClient a, Uri url, params string[] events)
    {
        var created = await a.PostJsonAsync($"{T}/webhooks", new { url = url.ToString(), events });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return (created.Id, created.Json.GetProperty("secret").GetString()!);
    }

    private async Task<JsonElement> WaitForDeliveryAsync(HttpClient a, string hookId, Func<JsonElement, bool> done, Action? step = null)
    {
        for (var i = 0; i < 400; i++)
        {
            var log = await a.GetJsonAsync($"{T}/webhooks/{hookId}/deliveries");
            Assert.Equal(HttpStatusCode.OK, log.Status);
            var items = log.Json.GetProperty("items");
            if (items.GetArrayLength() > 0 && done(items[0]))
            {
                return items[0];
            }

            step?.Invoke();
            await Task.Delay(25);
        }

        throw new TimeoutException("the delivery did not reach the expected state");
    }

    [Fact]
    public async Task Signed_post_is_retried_after_a_500_and_logged_as_delivered()
    {
        await using var receiver = await HookReceiver.StartAsync([500]);
        using var a = f.AdminA;
        var (hookId, secret) = await CreateHookAsync(a, receiver.Url, "emotion.alert");
        // An event the hook did not subscribe to is not sent.
        var events = new RoomEvents(f.Host, f.TenantA, f.ResourcesA["rooms"]);
        events.Publish(events.Transcript(DateTimeOffset.UtcNow, "calm words", "palabras tranquilas"));
        events.Publish(events.Alert(DateTimeOffset.UtcNow, "this is unacceptable"));

        // The first attempt gets 500; the retry waits 2 s on the host's clock, which the test moves on.
        var delivered = await WaitForDeliveryAsync(a, hookId, d => d.GetProperty("status").GetString() == "delivered",
            () => { if (!receiver.Received.IsEmpty) { f.Host.Clock.Advance(TimeSpan.FromSeconds(1)); } });
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivered.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal("emotion.alert", delivered.GetProperty("event").GetString());

        var received = receiver.Received.ToArray();
        Assert.Equal(2, received.Length);
        // The body is kept only while the delivery is pending (privacy: it may carry transcript text).
        Assert.Null(await StoredPayloadAsync(hookId));
        foreach (var hook in received)
        {
            var timestamp = long.Parse(hook.Headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(WebhookSignature.Verify(secret, timestamp, hook.Body, hook.Headers[WebhookSignature.SignatureHeader]));
            // Any change to the body breaks the signature.
            var tampered = hook.Body.ToArray();
            tampered[^2] ^= 1;
            Assert.False(WebhookSignature.Verify(secret, timestamp, tampered, hook.Headers[WebhookSignature.SignatureHeader]));
            Assert.Equal("emotion.alert", hook.Headers[WebhookSignature.EventHeader]);
            Assert.StartsWith("application/json", hook.Headers["Content-Type"], StringComparison.Ordinal);
        }

        // The retry is the same event (receivers de-duplicate on Tolk-Delivery), signed at its own time.
        Assert.Equal(received[0].Headers[WebhookSignature.DeliveryHeader], received[1].Headers[WebhookSignature.DeliveryHeader]);
        Assert.Equal(delivered.GetProperty("eventId").GetString(), received[1].Headers[WebhookSignature.DeliveryHeader]);
        Assert.True(long.Parse(received[1].Headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture)
            >= long.Parse(received[0].Headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture) + 2);
        var body = JsonDocument.Parse(received[1].Body).RootElement;
        Assert.Equal("emotion.alert", body.GetProperty("type").GetString());
        Assert.Equal(f.TenantA, body.GetProperty("tenantId").GetString());
        Assert.Equal(f.ResourcesA["rooms"], body.GetProperty("data").GetProperty("roomId").GetString());
        Assert.Equal("angry", body.GetProperty("data").GetProperty("alert").GetProperty("label").GetString());
        Assert.Equal("this is unacceptable", body.GetProperty("data").GetProperty("alert").GetProperty("text").GetString());

        // The secret is stored encrypted and never returned after creation.
        var listed = await a.GetJsonAsync($"{T}/webhooks/{hookId}");
        Assert.Equal(JsonValueKind.Null, listed.Json.GetProperty("secret").ValueKind);
        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var stored = (await db.Webhooks.AsNoTracking().FirstAsync(w => w.Id == Guid.Parse(hookId))).Secret!;
        Assert.StartsWith("enc:v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.Equal(secret, scope.ServiceProvider.GetRequiredService<Tolk.Data.Security.SecretProtector>().Unprotect(stored));

        // Tenant B cannot read A's delivery log.
        using var b = f.Host.Client(f.AdminBToken);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetJsonAsync($"{T}/webhooks/{hookId}/deliveries")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetJsonAsync($"/api/tenants/{f.TenantB}/webhooks/{hookId}/deliveries")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(HttpMethod.Delete, $"{T}/webhooks/{hookId}")).Status);
    }

    [Fact]
    public async Task Https_certificates_are_verified_and_delivery_gives_up_after_five_attempts()
    {
        // A self-signed certificate no store trusts: every attempt must fail the TLS handshake.
        await using var receiver = await HookReceiver.StartAsync([], https: true);
        using var a = f.AdminA;
        var (hookId, _) = await CreateHookAsync(a, receiver.Url, "transcript.final");
        var events = new RoomEvents(f.Host, f.TenantA, f.ResourcesA["rooms"]);
        events.Publish(events.Transcript(DateTimeOffset.UtcNow, "hello", "hola"));

        var failed = await WaitForDeliveryAsync(a, hookId, d => d.GetProperty("status").GetString() == "failed",
            () => f.Host.Clock.Advance(TimeSpan.FromSeconds(2)));
        Assert.Equal(5, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("lastStatusCode").ValueKind);
        Assert.Contains("SSL", failed.GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(receiver.Received);
        Assert.Null(await StoredPayloadAsync(hookId));
        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(HttpMethod.Delete, $"{T}/webhooks/{hookId}")).Status);
    }

    [Fact]
    public async Task The_body_is_stored_as_sent_while_pending_and_cleared_once_delivered()
    {
        await using var receiver = await HookReceiver.StartAsync([503]);
        using var a = f.AdminA;
        var (hookId, _) = await CreateHookAsync(a, receiver.Url, "translation.unavailable");
        var events = new RoomEvents(f.Host, f.TenantA, f.ResourcesA["rooms"]);
        events.Publish(events.Unavailable(DateTimeOffset.UtcNow));

        // After the 503 the delivery waits for its retry (the clock is not moved yet): its row holds the body sent.
        await WaitForDeliveryAsync(a, hookId, d => d.GetProperty("lastStatusCode").ValueKind == JsonValueKind.Number);
        var first = Assert.Single(receiver.Received);
        var pending = await StoredPayloadAsync(hookId);
        Assert.NotNull(pending);
        Assert.Equal(first.Body, System.Text.Encoding.UTF8.GetBytes(pending));

        await WaitForDeliveryAsync(a, hookId, d => d.GetProperty("status").GetString() == "delivered",
            () => f.Host.Clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.Null(await StoredPayloadAsync(hookId));
        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(HttpMethod.Delete, $"{T}/webhooks/{hookId}")).Status);
    }

    private async Task<string?> StoredPayloadAsync(string hookId)
    {
        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return (await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.WebhookId == Guid.Parse(hookId))).Payload;
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_room_transcript_is_the_old_name_of_transcript_final()
    {
        await using var receiver = await HookReceiver.StartAsync([410]);
        using var a = f.AdminA;
        var (hookId, _) = await CreateHookAsync(a, receiver.Url, "room.transcript");
        var events = new RoomEvents(f.Host, f.TenantA, f.ResourcesA["rooms"]);
        events.Publish(events.Transcript(DateTimeOffset.UtcNow, "good night", "buenas noches"));

        var failed = await WaitForDeliveryAsync(a, hookId, d => d.GetProperty("status").GetString() == "failed");
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(410, failed.GetProperty("lastStatusCode").GetInt32());
        var hook = Assert.Single(receiver.Received);
        Assert.Equal("transcript.final", hook.Headers[WebhookSignature.EventHeader]);
        Assert.Equal("buenas noches", JsonDocument.Parse(hook.Body).RootElement.GetProperty("data").GetProperty("transcript")
            .GetProperty("translations").GetProperty("es").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(HttpMethod.Delete, $"{T}/webhooks/{hookId}")).Status);
    }
}

[Collection("sqlite")]
public sealed class SqliteWebhookTests(SqliteFixture f) : WebhookTests(f);

[Collection("postgres")]
public sealed class PostgresWebhookTests(PostgresFixture f) : WebhookTests(f);

/// <summary>Outbound address policy: webhooks cannot reach the server's own networks unless allowed.</summary>
public sealed class OutboundNetworkPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("93.184.215.14", false)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", false)]
    public void Internal_addresses_are_recognised(string address, bool isInternal) =>
        Assert.Equal(isInternal, OutboundNetworkPolicy.IsInternal(IPAddress.Parse(address)));

    [Fact]
    public async Task Loopback_is_refused_when_private_networks_are_not_allowed()
    {
        await using var receiver = await HookReceiver.StartAsync([]);
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = OutboundNetworkPolicy.ConnectCallback(allowInternal: false) });
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync(receiver.Url, new StringContent("{}")));
        Assert.Contains("internal", error.Message, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }
}
