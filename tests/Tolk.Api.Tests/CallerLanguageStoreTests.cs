using Microsoft.EntityFrameworkCore;
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
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.RememberAsync(A, key, i % 2 == 0 ? "en" : "es", CancellationToken.None).AsTask()));

        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var rows = await db.CallerLanguages.Where(c => c.CallerKey == key).ToListAsync();
        Assert.Single(rows);
        Assert.Contains(rows[0].Language, new[] { "en", "es" });
    }

    [Fact]
    public async Task A_choice_is_not_configuration_it_neither_reloads_the_directory_nor_fills_the_audit_log()
    {
        var directory = f.Host.Services.GetRequiredService<ITenantDirectory>();
        _ = directory.FindTenant(A); // settles any change still pending from other tests
        var generation = directory.Generation;

        await Store.RememberAsync(A, "tel:3225550199", "es", CancellationToken.None);
        _ = directory.FindTenant(A);
        Assert.Equal(generation, directory.Generation);

        await using var scope = f.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        Assert.False(await db.AuditLog.AnyAsync(e => e.EntityType == "CallerLanguage"));
    }
}

[Collection("sqlite")]
public sealed class SqliteCallerLanguageStoreTests(SqliteFixture f) : CallerLanguageStoreTests(f);

[Collection("postgres")]
public sealed class PostgresCallerLanguageStoreTests(PostgresFixture f) : CallerLanguageStoreTests(f);
