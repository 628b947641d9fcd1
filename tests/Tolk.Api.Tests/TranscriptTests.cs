using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Api.Transcripts;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Data;
using Tolk.Data.Entities;

namespace Tolk.Api.Tests;

/// <summary>
/// Final utterances published through the host's room-event sink are stored by the background writer and
/// read back through <c>GET …/rooms/{id}/transcript</c> with paging and time filters; tenant B never sees them.
/// </summary>
public abstract class TranscriptTests(ApiFixture f)
{
    private string Room => f.ResourcesA["rooms"];
    private string TranscriptPath => $"/api/tenants/{f.TenantA}/rooms/{Room}/transcript";

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    [Fact]
    public async Task Stored_transcript_pages_and_filters_by_time_and_stays_inside_the_tenant()
    {
        using var a = f.AdminA;
        // Times in the future of anything other tests publish, so the filters below see only these three.
        var t0 = new DateTimeOffset(2031, 5, 4, 10, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 100_000));
        var events = new RoomEvents(f.Host, f.TenantA, Room);
        events.Publish(events.Transcript(t0, "what is the weather", "qué tiempo hace", Tolk.Speech.EmotionLabel.Angry));
        events.Publish(events.Transcript(t0.AddSeconds(5), "it is sunny", "hace sol"));
        events.Publish(events.Transcript(t0.AddSeconds(10), "see you later", "hasta luego"));
        // Interim hypotheses are live-only, never stored.
        events.Publish(events.Interim(t0.AddSeconds(11), "see you"));

        var window = $"from={Iso(t0)}&to={Iso(t0.AddMinutes(1))}";
        Reply all = default!;
        for (var i = 0; i < 200; i++)
        {
            all = await a.GetJsonAsync($"{TranscriptPath}?{window}");
            Assert.Equal(HttpStatusCode.OK, all.Status);
            if (all.Json.GetProperty("total").GetInt32() >= 3)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(3, all.Json.GetProperty("total").GetInt32());
        var items = all.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["what is the weather", "it is sunny", "see you later"], items.Select(i => i.GetProperty("text").GetString()));
        var first = items[0];
        Assert.Equal("en", first.GetProperty("language").GetString());
        Assert.Equal("qué tiempo hace", first.GetProperty("translations").GetProperty("es").GetString());
        Assert.Equal(events.Participant, first.GetProperty("participantId").GetString());
        Assert.Equal("angry", first.GetProperty("emotion").GetProperty("label").GetString());
        Assert.Equal(0.55, first.GetProperty("emotion").GetProperty("confidence").GetDouble(), 6);
        Assert.Equal(JsonValueKindNull, items[1].GetProperty("emotion").ValueKind);
        Assert.Equal(t0.UtcDateTime, first.GetProperty("timestamp").GetDateTime().ToUniversalTime());
        Assert.Equal(t0.AddSeconds(-2).UtcDateTime, first.GetProperty("speechStart").GetDateTime().ToUniversalTime());

        // Paging like every list.
        var page2 = await a.GetJsonAsync($"{TranscriptPath}?{window}&pageSize=2&page=2");
        Assert.Equal(3, page2.Json.GetProperty("total").GetInt32());
        Assert.Equal("see you later", Assert.Single(page2.Json.GetProperty("items").EnumerateArray()).GetProperty("text").GetString());

        // from is inclusive, to exclusive.
        var later = await a.GetJsonAsync($"{TranscriptPath}?from={Iso(t0.AddSeconds(5))}&to={Iso(t0.AddMinutes(1))}");
        Assert.Equal(2, later.Json.GetProperty("total").GetInt32());
        var earlier = await a.GetJsonAsync($"{TranscriptPath}?from={Iso(t0)}&to={Iso(t0.AddSeconds(5))}");
        Assert.Equal("what is the weather", Assert.Single(earlier.Json.GetProperty("items").EnumerateArray()).GetProperty("text").GetString());

        var bad = await a.GetJsonAsync($"{TranscriptPath}?from={Iso(t0.AddSeconds(5))}&to={Iso(t0)}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("from", bad.ErrorFields);
        Assert.Contains("pageSize", (await a.GetJsonAsync($"{TranscriptPath}?pageSize=0")).ErrorFields);

        // Isolation: tenant B (token or key) gets 404 on A's transcript, and on its own route with A's room id.
        using var b = f.Host.Client(f.AdminBToken);
        using var bKey = f.Host.Client(apiKey: f.KeyB);
        foreach (var client in new[] { b, bKey })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"{TranscriptPath}?{window}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"/api/tenants/{f.TenantB}/rooms/{Room}/transcript")).Status);
        }

        // …and it is the global query filter that hides the rows: a scope confined to B sees none of them.
        await using var scope = f.Host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Enter(Guid.Parse(f.TenantB));
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        Assert.Equal(0, await db.Transcripts.CountAsync(t => t.RoomId == Guid.Parse(Room)));
        Assert.True(await db.Transcripts.IgnoreQueryFilters().CountAsync(t => t.RoomId == Guid.Parse(Room)) >= 3);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}

[Collection("sqlite")]
public sealed class SqliteTranscriptTests(SqliteFixture f) : TranscriptTests(f);

[Collection("postgres")]
public sealed class PostgresTranscriptTests(PostgresFixture f) : TranscriptTests(f);

/// <summary>The writer's queue never blocks its callers: when full, utterances are dropped and counted.</summary>
public sealed class TranscriptWriterTests
{
    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_blocking()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new Tolk.Api.Infrastructure.ApiMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        long measured = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "tolk.transcripts.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref measured, value));
        listener.Start();
        // Not started: nothing drains the queue.
        using var writer = new TranscriptWriter(services.GetRequiredService<IServiceScopeFactory>(),
            new TranscriptWriterOptions { QueueCapacity = 2 }, NullLogger<TranscriptWriter>.Instance, metrics);
        var results = Enumerable.Range(0, 5).Select(i => writer.TryEnqueue(new TranscriptUtterance
        {
            TenantId = Guid.NewGuid(), RoomId = Guid.NewGuid(), ParticipantId = "p", Language = "en", Text = $"t{i}",
        })).ToList();
        Assert.Equal([true, true, false, false, false], results);
        Assert.Equal(3, writer.Dropped);
        Assert.Equal(2, writer.Pending);
        Assert.Equal(3, Interlocked.Read(ref measured));
    }
}
