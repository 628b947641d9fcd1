using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Data.Directory;

namespace Tolk.Api.Tests;

/// <summary>The wire contract, CRUD, ETags, idempotency and validation over real HTTP; run on each database.</summary>
public abstract partial class ApiContractTests(ApiFixture f)
{
    private string T => $"/api/tenants/{f.TenantA}";

    [Fact]
    public async Task Token_endpoint_uses_RFC6749_field_names()
    {
        using var client = f.Host.Client();
        var reply = await client.PostJsonAsync("/api/auth/token", new { email = "admin@a.test", password = "password-of-admin@a.test" });
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("Bearer", reply.Json.GetProperty("token_type").GetString());
        Assert.Equal(900, reply.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal(3, reply.Json.GetProperty("access_token").GetString()!.Split('.').Length);
        var refresh = reply.Json.GetProperty("refresh_token").GetString()!;

        var refreshed = await client.PostJsonAsync("/api/auth/refresh", new { refresh_token = refresh });
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        using var withNew = f.Host.Client(refreshed.Json.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetJsonAsync($"{T}/rooms")).Status);

        // Rotation: the used refresh token is dead, and its reuse ends the newer session too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonAsync("/api/auth/refresh", new { refresh_token = refresh })).Status);
        var newer = refreshed.Json.GetProperty("refresh_token").GetString();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonAsync("/api/auth/refresh", new { refresh_token = newer })).Status);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401_problem()
    {
        using var client = f.Host.Client();
        var wrong = await client.PostJsonAsync("/api/auth/token", new { email = "user@a.test", password = "nope-nope" });
        var unknown = await client.PostJsonAsync("/api/auth/token", new { email = "ghost@a.test", password = "nope-nope" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(wrong.Json.GetProperty("detail").GetString(), unknown.Json.GetProperty("detail").GetString());
        Assert.Equal("application/problem+json", wrong.Message.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetJsonAsync($"{T}/rooms")).Status);
    }

    [Fact]
    public async Task Create_room_follows_the_wire_contract_and_reaches_the_directory()
    {
        using var a = f.AdminA;
        var created = await a.PostJsonAsync($"{T}/rooms", new
        {
            name = "Sales", extension = "7100",
            languages = new[] { new { code = "en", voice = "espeak:en" }, new { code = "pt-BR", voice = "espeak:pt" } },
            delayMs = 300, originalMixPercent = 25, emotionAlerts = true, emotionLabels = new[] { "Angry", "sad" },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"{T}/rooms/{created.Id}", created.Message.Headers.Location!.OriginalString);
        Assert.Equal("\"1\"", created.Message.Headers.ETag!.Tag);
        Assert.Equal(300, created.Json.GetProperty("delayMs").GetInt32());
        Assert.Equal(25, created.Json.GetProperty("originalMixPercent").GetInt32());
        Assert.True(created.Json.GetProperty("emotionAlerts").GetBoolean());
        Assert.Equal("pt-BR", created.Json.GetProperty("languages")[1].GetProperty("code").GetString());
        Assert.Equal(["angry", "sad"], created.Json.GetProperty("emotionLabels").EnumerateArray().Select(l => l.GetString()));
        // No threshold given: 0, the platform's default (reachable by the local detector, unlike the old 0.8).
        Assert.Equal(0, created.Json.GetProperty("emotionThreshold").GetDouble());

        var directory = f.Host.Services.GetRequiredService<ITenantDirectory>();
        var room = directory.FindRoomByExtension(Guid.Parse(f.TenantA), "7100");
        Assert.NotNull(room);
        Assert.Equal(["en", "pt-BR"], room.Languages.Select(l => l.Code));
        Assert.Equal(["angry", "sad"], room.EmotionLabels);
        Assert.Null(directory.FindRoomByExtension(Guid.Parse(f.TenantB), "7100"));
    }

    [Fact]
    public async Task Validation_names_each_bad_field_and_writes_nothing()
    {
        using var a = f.AdminA;
        var before = (await a.GetJsonAsync($"{T}/rooms")).Json.GetProperty("total").GetInt32();
        var reply = await a.PostJsonAsync($"{T}/rooms", new
        {
            name = new string('x', 129), extension = "12a",
            languages = new[] { new { code = "english!", voice = "espeak:en" }, new { code = "es", voice = "no-such-voice" } },
            delayMs = -5, originalMixPercent = 101, emotionAlerts = false, emotionLabels = new[] { "angry", "happy" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.Message.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            new[] { "delayMs", "emotionLabels[1]", "extension", "languages[0].code", "languages[1].voice", "name", "originalMixPercent" },
            reply.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(before, (await a.GetJsonAsync($"{T}/rooms")).Json.GetProperty("total").GetInt32());

        var typeError = await a.SendAsync(HttpMethod.Post, $"{T}/rooms",
            new StringContent("""{"name":"x","extension":"1","languages":[{"code":"en"}],"delayMs":"soon"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, typeError.Status);
        Assert.Equal(["delayMs"], typeError.ErrorFields);

        Assert.Equal(["did"], (await f.Master.PostJsonAsync($"{T}/numbers", new { did = "0301234" })).ErrorFields);
        Assert.Equal(["username"], (await a.PostJsonAsync($"{T}/sip-accounts", new { username = "bad user", password = "long-enough" })).ErrorFields);
        Assert.Equal(["password"], (await a.PostJsonAsync($"{T}/sip-accounts", new { username = "eve", password = "short" })).ErrorFields);
        Assert.Equal(["allowedAddresses[0]", "tlsFingerprint"], (await a.PostJsonAsync($"{T}/trunks",
            new { name = "x", allowedAddresses = new[] { "300.1.1.1" }, tlsFingerprint = "AB:CD" })).ErrorFields.Order(StringComparer.Ordinal));
        // Forms IPAddress.TryParse takes but no operator means, a zone, the unspecified address, host bits, the whole internet.
        string[] loose = ["10.1", "010.0.0.1", "fe80::1%eth0", "[2001:db8::1]:5060", "0.0.0.0", "192.0.2.9/24", "0.0.0.0/1", "2001::/16", "::ffff:192.0.2.1", "192.0.2.0/024"];
        Assert.Equal(loose.Select((_, i) => $"allowedAddresses[{i + 1}]").Order(StringComparer.Ordinal), (await a.PostJsonAsync($"{T}/trunks",
            new { name = "x", allowedAddresses = new[] { "192.0.2.0/24" }.Concat(loose).Append("2001:DB8::7").Append("2001:db8::/32") })).ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["events[0]", "url"], (await a.PostJsonAsync($"{T}/webhooks",
            new { url = "ftp://x", events = new[] { "call.exploded" } })).ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["role"], (await a.PostJsonAsync($"{T}/users", new { email = "boss@a.test", password = "long-enough", role = "master-admin" })).ErrorFields);
        Assert.Equal(["pageSize"], (await a.GetJsonAsync($"{T}/rooms?pageSize=1000")).ErrorFields);
        Assert.Equal(["domains[0]"], (await f.Master.PostJsonAsync("/api/tenants", new { name = "x", domains = new[] { "not a domain" } })).ErrorFields);
    }

    [Fact]
    public async Task Trunk_addresses_are_stored_as_they_print()
    {
        using var a = f.AdminA;
        var stored = await a.PostJsonAsync($"{T}/trunks", new { name = "canonical", allowedAddresses = new[] { "2001:DB8:0::7", "2001:0db8::/32" } });
        Assert.Equal(["2001:db8::7", "2001:db8::/32"], stored.Json.GetProperty("allowedAddresses").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Same_idempotency_key_creates_one_resource_with_the_same_response()
    {
        using var a = f.AdminA;
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Idem", extension = "7200", languages = new[] { new { code = "fr", voice = (string?)null } } };
        var first = await a.PostJsonAsync($"{T}/rooms", body, key);
        var second = await a.PostJsonAsync($"{T}/rooms", body, key);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Message.Headers.Location, second.Message.Headers.Location);
        Assert.Equal(1, (await a.GetJsonAsync($"{T}/rooms?q=Idem")).Json.GetProperty("total").GetInt32());

        var different = await a.PostJsonAsync($"{T}/rooms", body with { name = "Other" }, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.Status);

        // Provider-level create and parallel retries behave the same way.
        var tenantKey = Guid.NewGuid().ToString();
        var tenantBody = new { name = "Idem tenant", domains = new[] { $"idem{Guid.NewGuid():N}.test" } };
        using var m = f.Master;
        var failedInserts = FailedInsertLines;
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => m.PostJsonAsync("/api/tenants", tenantBody, tenantKey)));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(replies.Select(r => r.Id).Distinct());
        // The retries waited for the first request instead of losing an insert race that EF Core would log at Error.
        Assert.Equal(failedInserts, FailedInsertLines);
    }

    private int FailedInsertLines =>
        f.Host.Errors.Count(DbLoggerCategory.Update.Name, CoreEventId.SaveChangesFailed.Id)
        + f.Host.Errors.Count(DbLoggerCategory.Database.Command.Name, RelationalEventId.CommandError.Id);

    [Fact]
    public async Task ETags_guard_updates_with_412()
    {
        using var a = f.AdminA;
        var created = await a.PostJsonAsync($"{T}/trunks", new { name = "etag", domain = "pbx.a.test" });
        var url = $"{T}/trunks/{created.Id}";
        var get = await a.GetJsonAsync(url);
        var etag = get.Message.Headers.ETag!.Tag;

        var notModified = await a.SendAsync(HttpMethod.Get, url, configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, notModified.Status);

        var ok = await a.PutJsonAsync(url, new { name = "etag2", domain = "pbx.a.test" }, etag);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.NotEqual(etag, ok.Message.Headers.ETag!.Tag);

        var stale = await a.PutJsonAsync(url, new { name = "etag3", domain = "pbx.a.test" }, etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal("etag2", (await a.GetJsonAsync(url)).Json.GetProperty("name").GetString());

        var staleDelete = await a.SendAsync(HttpMethod.Delete, url, configure: r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.Status);
        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(HttpMethod.Delete, url)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetJsonAsync(url)).Status);
    }

    [Fact]
    public async Task Concurrency_token_rejects_a_lost_update_between_two_writers()
    {
        var id = Guid.Parse(f.ResourcesA["trunks"]);
        await using var one = f.Host.Services.CreateAsyncScope();
        await using var two = f.Host.Services.CreateAsyncScope();
        var db1 = one.ServiceProvider.GetRequiredService<Tolk.Data.TolkDbContext>();
        var db2 = two.ServiceProvider.GetRequiredService<Tolk.Data.TolkDbContext>();
        var first = await db1.Trunks.SingleAsync(t => t.Id == id);
        var second = await db2.Trunks.SingleAsync(t => t.Id == id);
        first.Name = "writer one";
        await db1.SaveChangesAsync();
        second.Name = "writer two";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db2.SaveChangesAsync());
        using var a = f.AdminA;
        Assert.Equal("writer one", (await a.GetJsonAsync($"{T}/trunks/{id}")).Json.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Master_admins_are_created_on_the_provider_endpoint_once_per_key()
    {
        using var m = f.Master;
        var key = Guid.NewGuid().ToString();
        var email = $"ops{Guid.NewGuid():N}@provider.test";
        var first = await m.PostJsonAsync("/api/admins", new { email, password = "second-admin-pw" }, key);
        var again = await m.PostJsonAsync("/api/admins", new { email, password = "second-admin-pw" }, key);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("master-admin", first.Json.GetProperty("role").GetString());
        var admins = await m.GetJsonAsync("/api/admins");
        Assert.Single(admins.Json.GetProperty("items").EnumerateArray(), e => e.GetProperty("email").GetString() == email);
        Assert.Equal(["email"], (await m.PostJsonAsync("/api/admins", new { email, password = "second-admin-pw" })).ErrorFields);
    }

    [Fact]
    public async Task Plan_room_limit_is_enforced()
    {
        using var m = f.Master;
        var tenant = await m.PostJsonAsync("/api/tenants", new { name = "Small", domains = new[] { $"s{Guid.NewGuid():N}.test" }, maxRooms = 1 });
        var rooms = $"/api/tenants/{tenant.Id}/rooms";
        Assert.Equal(HttpStatusCode.Created, (await m.PostJsonAsync(rooms, new { name = "one", extension = "1", languages = new[] { new { code = "en" } } })).Status);
        var second = await m.PostJsonAsync(rooms, new { name = "two", extension = "2", languages = new[] { new { code = "en" } } });
        Assert.Equal(["tenant"], second.ErrorFields);
    }

    [Fact]
    public async Task Paging_and_filtering_return_the_requested_slice()
    {
        using var a = f.AdminA;
        for (var i = 0; i < 3; i++)
        {
            await a.PostJsonAsync($"{T}/webhooks", new { url = $"https://page{i}.a.test/x", events = new[] { "*" } });
        }

        var page = await a.GetJsonAsync($"{T}/webhooks?q=page&page=2&pageSize=2");
        Assert.Equal(3, page.Json.GetProperty("total").GetInt32());
        Assert.Equal(2, page.Json.GetProperty("page").GetInt32());
        Assert.Equal("https://page2.a.test/x", Assert.Single(page.Json.GetProperty("items").EnumerateArray()).GetProperty("url").GetString());
    }

    [Fact]
    public async Task Every_change_is_in_the_audit_log_with_its_actor_and_without_secrets()
    {
        using var a = f.AdminA;
        var account = await a.PostJsonAsync($"{T}/sip-accounts", new { username = $"audit{Random.Shared.Next(100000)}", password = "audit-secret-1" });
        var audit = await a.GetJsonAsync($"{T}/audit?entityType=SipAccount&pageSize=200");
        var entry = audit.Json.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("entityId").GetString() == account.Id);
        Assert.Equal("create", entry.GetProperty("action").GetString());
        Assert.StartsWith("user:", entry.GetProperty("actor").GetString(), StringComparison.Ordinal);
        var changes = entry.GetProperty("changes").GetString()!;
        Assert.Contains("\"Ha1Md5\":\"***\"", changes, StringComparison.Ordinal);
        Assert.DoesNotContain("audit-secret-1", changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_usage_and_openapi_are_served()
    {
        using var a = f.AdminA;
        var status = await a.GetJsonAsync($"{T}/status");
        Assert.Equal("active", status.Json.GetProperty("status").GetString());
        Assert.Equal(0, status.Json.GetProperty("activeCalls").GetInt32());

        var ledger = f.Host.Services.GetRequiredService<Billing.UsageLedger>();
        var now = f.Host.Clock.GetUtcNow().UtcDateTime;
        await ledger.RecordAsync(Guid.Parse(f.TenantA), Billing.UsageKinds.CallMinutes, 12.5m, "call-1", now.AddMinutes(-5));
        await ledger.RecordAsync(Guid.Parse(f.TenantA), Billing.UsageKinds.CallMinutes, 7.5m, "call-2", now.AddMinutes(-4));
        await ledger.RecordAsync(Guid.Parse(f.TenantA), Billing.UsageKinds.TtsCharacters, 1000m, "call-2", now.AddMinutes(-4));
        await ledger.RecordAsync(Guid.Parse(f.TenantB), Billing.UsageKinds.CallMinutes, 99m, "b", now.AddMinutes(-4));
        await ledger.RecordAsync(Guid.Parse(f.TenantA), Billing.UsageKinds.CallMinutes, 50m, "old", now.AddDays(-40));
        var from = Uri.EscapeDataString(now.AddHours(-1).ToString("O"));
        var to = Uri.EscapeDataString(now.AddHours(1).ToString("O"));
        var usage = await a.GetJsonAsync($"{T}/usage?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, usage.Status);
        var lines = usage.Json.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("kind").GetString()!);
        Assert.Equal(20m, lines["call-minutes"].GetProperty("quantity").GetDecimal());
        Assert.Equal(0.2m, lines["call-minutes"].GetProperty("amount").GetDecimal());
        Assert.Equal(0.03m, lines["tts-characters"].GetProperty("amount").GetDecimal());
        Assert.Equal(0.23m, usage.Json.GetProperty("total").GetDecimal());
        Assert.Equal(["from"], (await a.GetJsonAsync($"{T}/usage?from={to}&to={from}")).ErrorFields);

        using var anon = f.Host.Client();
        var doc = await anon.GetJsonAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, doc.Status);
        var paths = doc.Json.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/tenants/{tenantId}/rooms", paths);
        Assert.Contains("/api/auth/token", paths);
        var page = await anon.GetAsync(new Uri("/openapi", UriKind.Relative));
        Assert.Contains("/openapi/v1.json", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dial_out_validates_then_reports_unavailable_until_the_host_provides_it()
    {
        using var a = f.AdminA;
        Assert.Equal(["parties[0]", "roomId"], (await a.PostJsonAsync($"{T}/calls", new { roomId = Guid.NewGuid(), parties = new[] { "mailto:x" } }))
            .ErrorFields.Order(StringComparer.Ordinal));
        var reply = await a.PostJsonAsync($"{T}/calls", new { roomId = f.ResourcesA["rooms"], parties = new[] { "sip:bob@b.test", "+4930123456" } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
    }
}

[Collection("sqlite")]
public sealed class SqliteApiContractTests(SqliteFixture f) : ApiContractTests(f);

[Collection("postgres")]
public sealed class PostgresApiContractTests(PostgresFixture f) : ApiContractTests(f);
