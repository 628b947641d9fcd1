using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Data;
using Tolk.Data.Directory;
using Tolk.Server.Hosting;

namespace Tolk.Api.Tests;

/// <summary>Callers' remembered DTMF menu choices in the real database (SQLite and PostgreSQL).</summary>
public abstract class CallerLanguageStoreTests(ApiFixture f)
{
    private DatabaseCallerLanguageStore Store => new(f.Host.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);

    private Guid A => Guid.Parse(f.TenantA);

    private Guid B => Guid.Parse(f.TenantB);

    [Fact]
    public async Task A_choice_is_remembered_replaced_and_kept_per_tenant()
    {
        var key = "tel:" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999);
        var store = Store;
        Assert.Null(await store.FindAsync(A, key, CancellationToken.None));

        await store.RememberAsync(A, key, "es", CancellationToken.None);
        Assert.Equal("es", await store.FindAsync(A, key, CancellationToken.None));
        // The same number calling another tenant is another caller.
        Assert.Null(await store.FindAsync(B, key, CancellationToken.None));

        await store.RememberAsync(A, key, "en", CancellationToken.None);
        await store.RememberAsync(B, key, "fr", CancellationToken.None);
        Assert.Equal("en", await store.FindAsync(A, key, CancellationToken.None));
        Assert.Equal("fr", await store.FindAsync(B, key, CancellationToken.None));

        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        Assert.Equal(1, await db.CallerLanguages.CountAsync(c => c.TenantId == A && c.CallerKey == key));
    }

    [Fact]
    public async Task Two_calls_choosing_at_once_leave_one_row_and_no_error()
    {
        var key = "user:race-" + Guid.NewGuid().ToString("N")[..8];
        var store = Store;
        var failedSaves = SaveChangesFailedLines;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.RememberAsync(A, key, i % 2 == 0 ? "en" : "es", CancellationToken.None).AsTask()));

        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var rows = await db.CallerLanguages.Where(c => c.CallerKey == key).ToListAsync();
        Assert.Single(rows);
        Assert.Contains(rows[0].Language, new[] { "en", "es" });
        // The lost insert race is handled, so it must not reach the log as an error an operator would be paged for.
        Assert.Equal(failedSaves, SaveChangesFailedLines);
    }

    private int SaveChangesFailedLines => f.Host.Errors.Count(DbLoggerCategory.Update.Name, CoreEventId.SaveChangesFailed.Id);

    [Fact]
    public async Task A_choice_is_not_configuration_it_neither_reloads_the_directory_nor_fills_the_audit_log()
    {
        // Counted as the save returns (the reload itself runs in the background).
        var directory = Assert.IsType<TenantDirectory>(f.Host.Services.GetRequiredService<ITenantDirectory>());
        var changes = directory.ChangeCount;
        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var audited = await db.AuditLog.CountAsync(e => e.EntityType == "CallerLanguage");

        await Store.RememberAsync(A, "tel:3225550199", "es", CancellationToken.None);
        Assert.Equal(changes, directory.ChangeCount);
        Assert.Equal(audited, await db.AuditLog.CountAsync(e => e.EntityType == "CallerLanguage"));
    }

    [Fact]
    public async Task Rows_unused_for_the_retention_period_are_forgotten_and_a_lookup_counts_as_use()
    {
        var now = DateTime.UtcNow;
        var stale = "tel:1" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var staleElsewhere = "tel:2" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var recent = "tel:3" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var stillUsed = "tel:4" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        await using (var scope = f.Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Actor = CallerLanguageRows.CallersOwnActor;
            db.CallerLanguages.AddRange(
                new() { TenantId = A, CallerKey = stale, Language = "es", UpdatedUtc = now.AddDays(-400) },
                new() { TenantId = B, CallerKey = staleElsewhere, Language = "es", UpdatedUtc = now.AddDays(-366) },
                new() { TenantId = A, CallerKey = recent, Language = "es", UpdatedUtc = now.AddHours(-2) },
                new() { TenantId = A, CallerKey = stillUsed, Language = "fr", UpdatedUtc = now.AddDays(-300) });
            await db.SaveChangesAsync();
        }

        // A caller whose choice is looked up keeps it fresh (marked in the background, at most daily).
        Assert.Equal("fr", await Store.FindAsync(A, stillUsed, CancellationToken.None));
        await WaitUntilAsync(async () => (await UpdatedAsync(stillUsed)) > now.AddMinutes(-1));

        var service = new CallerLanguageRetentionService(Store, TimeProvider.System, TimeSpan.FromDays(365),
            f.Host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CallerLanguageRetentionService>>());
        await service.PurgeOnceAsync(CancellationToken.None);

        Assert.Null(await Store.FindAsync(A, stale, CancellationToken.None));
        Assert.Null(await Store.FindAsync(B, staleElsewhere, CancellationToken.None));
        Assert.Equal("es", await Store.FindAsync(A, recent, CancellationToken.None));
        Assert.Equal("fr", await Store.FindAsync(A, stillUsed, CancellationToken.None));
        await Task.Delay(200);
        Assert.True(await UpdatedAsync(recent) < now.AddHours(-1)); // a row used within the day is not written again
    }

    private async Task<DateTime?> UpdatedAsync(string key)
    {
        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        return await db.CallerLanguages.AsNoTracking().Where(c => c.CallerKey == key).Select(c => (DateTime?)c.UpdatedUtc).FirstOrDefaultAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(await condition());
    }

    [Fact]
    public async Task Tenant_admins_read_set_and_erase_remembered_languages_of_their_own_tenant_only()
    {
        var number = Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var a = $"api/tenants/{f.TenantA}/caller-languages";
        using var admin = f.AdminA;
        // Set ahead of the caller's first call, in any spelling of the number: stored as the SIP host derives it.
        var put = await admin.PutJsonAsync($"{a}/tel:+32 {number}", new { language = "es" });
        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.EndsWith($"/caller-languages/tel%3A32{number}", put.Message.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("tel:32" + number, put.Json.GetProperty("caller").GetString());
        Assert.Equal("es", await Store.FindAsync(A, "tel:32" + number, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"{a}/tel:32{number}", new { language = "fr" })).Status);

        // What a caller chose on the phone shows up too.
        await Store.RememberAsync(A, "user:vera", "en", CancellationToken.None);
        var one = await admin.GetJsonAsync($"{a}?caller=tel:32{number}");
        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal("fr", one.Json.GetProperty("items")[0].GetProperty("language").GetString());
        Assert.Equal(1, one.Json.GetProperty("total").GetInt32());
        var all = await admin.GetJsonAsync($"{a}?pageSize=200");
        Assert.Contains(all.Json.GetProperty("items").EnumerateArray(), i => i.GetProperty("caller").GetString() == "user:vera");

        // Another tenant's admin sees none of it and cannot erase it; a plain user cannot read it.
        using var adminB = f.Host.Client(f.AdminBToken);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.GetJsonAsync(a)).Status); // another tenant is not even there
        var bList = await adminB.GetJsonAsync($"api/tenants/{f.TenantB}/caller-languages?caller=tel:32{number}");
        Assert.Equal(0, bList.Json.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.SendAsync(HttpMethod.Delete, $"api/tenants/{f.TenantB}/caller-languages/tel:32{number}")).Status);
        using var user = f.Host.Client(f.UserAToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetJsonAsync(a)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(HttpMethod.Delete, $"{a}/tel:32{number}")).Status);
        Assert.Null(await Store.FindAsync(A, "tel:32" + number, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(HttpMethod.Delete, $"{a}/tel:32{number}")).Status);

        // The admin's changes are audited (create, update, delete of that row), the erased number nowhere in them.
        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var audit = await db.AuditLog.AsNoTracking().Where(e => e.EntityType == "CallerLanguage" && e.TenantId == A && e.Actor != null && e.Actor.StartsWith("user:")).ToListAsync();
        var mine = audit.GroupBy(e => e.EntityId).Single(g => g.Any(e => e.Action == "delete") && g.Any(e => e.Action == "create") && g.Any(e => e.Action == "update"));
        Assert.Equal(3, mine.Count());
        Assert.DoesNotContain(audit, e => (e.Changes ?? "").Contains(number, StringComparison.Ordinal) || e.EntityId.Contains(number, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tel:12", "{\"language\":\"es\"}", "caller")]
    [InlineData("sip:alice", "{\"language\":\"es\"}", "caller")]
    [InlineData("user:al ice", "{\"language\":\"es\"}", "caller")]
    [InlineData("user:alice", "{\"language\":\"not a language\"}", "language")]
    [InlineData("user:alice", "{}", "language")]
    public async Task Bad_input_is_a_problem_naming_the_field(string caller, string body, string field)
    {
        using var admin = f.AdminA;
        var reply = await admin.SendAsync(HttpMethod.Put, $"api/tenants/{f.TenantA}/caller-languages/{Uri.EscapeDataString(caller)}",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal([field], reply.ErrorFields);
    }
}

[Collection("sqlite")]
public sealed class SqliteCallerLanguageStoreTests(SqliteFixture f) : CallerLanguageStoreTests(f);

[Collection("postgres")]
public sealed class PostgresCallerLanguageStoreTests(PostgresFixture f) : CallerLanguageStoreTests(f);
