using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Tolk.Api.Live;
using Tolk.Api.Tests.Infrastructure;

namespace Tolk.Api.Tests;

/// <summary>
/// The live feed of a room over real HTTP: events published through the host's room-event sink reach
/// tenant A's SSE and WebSocket subscribers in order with ids; Last-Event-ID replays; tenant B, guessing
/// the room id, gets 404 on its own tenant's route and on A's.
/// </summary>
public abstract class LiveFeedTests(ApiFixture f)
{
    private string Room => f.ResourcesA["rooms"];
    private string LivePath(string tenant) => $"/api/tenants/{tenant}/rooms/{Room}/live";

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [Fact]
    public async Task Sse_subscriber_of_tenant_A_receives_every_event_type_and_can_resume_with_Last_Event_ID()
    {
        using var client = f.AdminA;
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await OpenAsync(client, LivePath(f.TenantA));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());

        var events = new RoomEvents(f.Host, f.TenantA, Room);
        var now = DateTimeOffset.UtcNow;
        events.Publish(events.Joined(now));
        events.Publish(events.Interim(now.AddSeconds(1), "what is the"));
        events.Publish(events.Transcript(now.AddSeconds(2), "what is the weather", "qué tiempo hace", Tolk.Speech.EmotionLabel.Angry));
        events.Publish(events.Alert(now.AddSeconds(2), "what is the weather"));
        events.Publish(events.Unavailable(now.AddSeconds(3)));

        var received = new List<SseEvent>();
        for (var i = 0; i < 5; i++)
        {
            received.Add(await sse.NextAsync());
        }

        Assert.Equal(["participant", "interim", "transcript", "emotion-alert", "translation-state"], received.Select(e => e.Type));
        var ids = received.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var e in received)
        {
            // The envelope carries the same id and type as the SSE fields.
            Assert.Equal(e.Type, e.Data.GetProperty("type").GetString());
            Assert.Equal(e.Id, e.Data.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Room, e.Data.GetProperty("roomId").GetString());
            Assert.Equal(events.Participant, e.Data.GetProperty("data").GetProperty("participantId").GetString());
        }

        Assert.True(received[0].Data.GetProperty("data").GetProperty("joined").GetBoolean());
        Assert.Equal("what is the", received[1].Data.GetProperty("data").GetProperty("text").GetString());
        var transcript = received[2].Data.GetProperty("data");
        Assert.Equal("qué tiempo hace", transcript.GetProperty("translations").GetProperty("es").GetString());
        Assert.Equal("angry", transcript.GetProperty("emotion").GetProperty("label").GetString());
        var alert = received[3].Data.GetProperty("data");
        Assert.Equal("angry", alert.GetProperty("label").GetString());
        Assert.Equal(0.7, alert.GetProperty("threshold").GetDouble());
        var state = received[4].Data.GetProperty("data");
        Assert.False(state.GetProperty("available").GetBoolean());
        Assert.Equal("es", state.GetProperty("targetLanguage").GetString());

        // A reconnect with Last-Event-ID gets what came after that id, from the room's replay buffer.
        using var again = await OpenAsync(client, LivePath(f.TenantA), received[1].Id);
        using var replay = new SseReader(await again.Content.ReadAsStreamAsync());
        for (var i = 2; i < 5; i++)
        {
            var e = await replay.NextAsync();
            Assert.Equal(received[i].Id, e.Id);
            Assert.Equal(received[i].Type, e.Type);
        }
    }

    [Fact]
    public async Task Tenant_B_cannot_subscribe_to_tenant_A_room_by_guessing_its_id()
    {
        using var b = f.Host.Client(f.AdminBToken);
        using var bKey = f.Host.Client(apiKey: f.KeyB);
        foreach (var client in new[] { b, bKey })
        {
            // B's own tenant route: A's room does not exist there.
            using (var own = await OpenAsync(client, LivePath(f.TenantB)))
            {
                Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);
            }

            // A's tenant route: the tenant check answers 404 without revealing anything.
            using (var other = await OpenAsync(client, LivePath(f.TenantA)))
            {
                Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            }
        }

        // Browser-style credentials: the same through access_token.
        using var anonymous = f.Host.Client();
        using var byQuery = await OpenAsync(anonymous, $"{LivePath(f.TenantA)}?access_token={Uri.EscapeDataString(f.AdminBToken)}");
        Assert.Equal(HttpStatusCode.NotFound, byQuery.StatusCode);

        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        var uri = WsUri($"/api/tenants/{f.TenantB}/rooms/{Room}/live/ws?access_token={Uri.EscapeDataString(f.AdminBToken)}");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, ws.HttpStatusCode);
        ws.Dispose();
    }

    [Fact]
    public async Task Access_token_query_parameter_works_on_the_live_feeds_only()
    {
        using var anonymous = f.Host.Client();
        anonymous.Timeout = Timeout.InfiniteTimeSpan;
        using var sse = await OpenAsync(anonymous, $"{LivePath(f.TenantA)}?access_token={Uri.EscapeDataString(f.AdminAToken)}");
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
        using var byKey = await OpenAsync(anonymous, $"{LivePath(f.TenantA)}?access_token={Uri.EscapeDataString(f.KeyA)}");
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        using var wrong = await OpenAsync(anonymous, $"{LivePath(f.TenantA)}?access_token=not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        // Everywhere else the query parameter is ignored: no credentials, 401.
        var rooms = await anonymous.GetJsonAsync($"/api/tenants/{f.TenantA}/rooms?access_token={Uri.EscapeDataString(f.AdminAToken)}");
        Assert.Equal(HttpStatusCode.Unauthorized, rooms.Status);
        var transcript = await anonymous.GetJsonAsync($"/api/tenants/{f.TenantA}/rooms/{Room}/transcript?access_token={Uri.EscapeDataString(f.AdminAToken)}");
        Assert.Equal(HttpStatusCode.Unauthorized, transcript.Status);

        // A plain GET on the WebSocket endpoint is a bad request, naming the missing upgrade.
        using var a = f.AdminA;
        var plain = await a.GetJsonAsync($"{LivePath(f.TenantA)}/ws");
        Assert.Equal(HttpStatusCode.BadRequest, plain.Status);
        Assert.Contains("upgrade", plain.ErrorFields);
    }

    [Fact]
    public async Task WebSocket_subscriber_receives_the_same_json_messages()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(WsUri($"{LivePath(f.TenantA)}/ws?access_token={Uri.EscapeDataString(f.AdminAToken)}"), CancellationToken.None);
        using var sseClient = f.AdminA;
        sseClient.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await OpenAsync(sseClient, LivePath(f.TenantA));
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());

        var events = new RoomEvents(f.Host, f.TenantA, Room);
        var now = DateTimeOffset.UtcNow;
        events.Publish(events.Joined(now, "es"));
        events.Publish(events.Transcript(now.AddSeconds(1), "good morning", "buenos días"));

        var fromSse = new[] { await sse.NextAsync(), await sse.NextAsync() };
        for (var i = 0; i < 2; i++)
        {
            var message = await ReceiveTextAsync(ws);
            // Byte-for-byte the JSON of the SSE data field.
            Assert.Equal(fromSse[i].Data.GetRawText(), JsonDocument.Parse(message).RootElement.GetRawText());
        }

        Assert.Equal("buenos días", JsonDocument.Parse(fromSse[1].Data.GetRawText()).RootElement.GetProperty("data").GetProperty("translations").GetProperty("es").GetString());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task A_feed_ends_when_the_api_key_it_was_opened_with_is_revoked()
    {
        using var a = f.AdminA;
        var created = await a.PostJsonAsync($"/api/tenants/{f.TenantA}/api-keys", new { name = "wallboard" });
        using var anonymous = f.Host.Client();
        anonymous.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await OpenAsync(anonymous, $"{LivePath(f.TenantA)}?access_token={Uri.EscapeDataString(created.Json.GetProperty("key").GetString()!)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = new RoomEvents(f.Host, f.TenantA, Room);
        events.Publish(events.Joined(DateTimeOffset.UtcNow));
        Assert.Equal("participant", (await sse.NextAsync()).Type);

        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(HttpMethod.Delete, $"/api/tenants/{f.TenantA}/api-keys/{created.Id}")).Status);
        // The credential is re-checked at the next keep-alive tick (15 s on the host's clock). One read stays
        // pending (cancelling a read would abort the connection) while the clock moves on.
        var next = sse.NextAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5 && !next.IsCompleted; i++)
        {
            f.Host.Clock.Advance(TimeSpan.FromSeconds(16));
            await Task.WhenAny(next, Task.Delay(500));
        }

        await Assert.ThrowsAsync<EndOfStreamException>(() => next);
    }

    private Uri WsUri(string path) => new(new Uri(f.Host.BaseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), path);

    private static async Task<string> ReceiveTextAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            text.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(text.ToArray());
            }
        }
    }
}

[Collection("sqlite")]
public sealed class SqliteLiveFeedTests(SqliteFixture f) : LiveFeedTests(f);

[Collection("postgres")]
public sealed class PostgresLiveFeedTests(PostgresFixture f) : LiveFeedTests(f);

/// <summary>A slow subscriber loses its oldest events (and is told how many); the others get everything.</summary>
public sealed class RoomFeedHubTests
{
    [Fact]
    public void A_slow_subscriber_drops_its_oldest_events_without_holding_up_a_fast_one()
    {
        var hub = new RoomFeedHub(new RoomFeedOptions { SubscriberCapacity = 4, ReplayCapacity = 8 }, TimeProvider.System);
        var tenant = Guid.NewGuid();
        var room = Guid.NewGuid();
        using var slow = hub.Subscribe(tenant, room, null);
        using var fast = hub.Subscribe(tenant, room, null);
        using var otherRoom = hub.Subscribe(tenant, Guid.NewGuid(), null);
        var ids = new List<long>();
        var fastGot = new List<long>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add(hub.Publish(tenant, room, LiveEventTypes.Interim, new { n = i }, DateTimeOffset.UtcNow));
            while (fast.Reader.TryRead(out var m))
            {
                fastGot.Add(m.Id);
            }
        }

        Assert.Equal(ids, fastGot);
        Assert.Equal(0, fast.TakeDropped());
        Assert.Equal(96, slow.TakeDropped());
        var kept = new List<long>();
        while (slow.Reader.TryRead(out var m))
        {
            kept.Add(m.Id);
        }

        Assert.Equal(ids[^4..], kept);
        Assert.False(otherRoom.Reader.TryRead(out _));

        // Replay keeps the newest ReplayCapacity events of the room.
        using var late = hub.Subscribe(tenant, room, ids[0]);
        Assert.Equal(ids[^8..], late.Replay.Select(m => m.Id));
        using var current = hub.Subscribe(tenant, room, ids[^1]);
        Assert.Empty(current.Replay);
        var notice = RoomFeedHub.DroppedNotice(room, 96, DateTimeOffset.UtcNow);
        Assert.Equal(96, JsonDocument.Parse(notice.Json).RootElement.GetProperty("data").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Over_http_a_client_that_stops_reading_gets_a_dropped_event_then_the_newest_events()
    {
        await using var host = await TestHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Tolk:Api:LiveFeed:SubscriberCapacity"] = "8" });
        var token = await host.TokenAsync(TestHost.AdminEmail, TestHost.AdminPassword);
        using var master = host.Client(token);
        master.Timeout = Timeout.InfiniteTimeSpan;
        var tenant = (await master.PostJsonAsync("/api/tenants", new { name = "Slow", domains = new[] { "slow.test" } })).Id;
        var room = (await master.PostJsonAsync($"/api/tenants/{tenant}/rooms", new { name = "R", extension = "7000", languages = new[] { new { code = "en" } } })).Id;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant}/rooms/{room}/live");
        using var response = await master.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());

        // Far more than the socket buffers hold while the client reads nothing.
        var events = new RoomEvents(host, tenant, room, "7000");
        var filler = new string('x', 16 * 1024);
        for (var i = 0; i < 600; i++)
        {
            events.Publish(events.Interim(DateTimeOffset.UtcNow, $"{i} {filler}"));
        }

        events.Publish(events.Interim(DateTimeOffset.UtcNow, "last"));
        var dropped = 0L;
        var received = 0;
        while (true)
        {
            var e = await sse.NextAsync();
            if (e.Type == LiveEventTypes.Dropped)
            {
                Assert.Null(e.Id);
                dropped += e.Data.GetProperty("data").GetProperty("count").GetInt64();
                continue;
            }

            received++;
            if (e.Data.GetProperty("data").GetProperty("text").GetString() == "last")
            {
                break;
            }
        }

        Assert.True(dropped > 0, "the slow client was not told about dropped events");
        Assert.Equal(601, received + dropped);
    }
}
