using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tolk.Billing;
using Tolk.Data;

namespace Tolk.Api.Tests.Data;

/// <summary>
/// The usage write path under the load of many calls ending at once, on a real SQLite file: every record lands,
/// and a database that refuses writes for a while delays usage instead of losing it.
/// </summary>
public sealed class UsageRecorderTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tolk-usage-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private Guid _tenant;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tolk:Data:Directory"] = _dir,
            // A short busy timeout makes a locked database fail writes quickly instead of waiting 30 s.
            ["Tolk:Data:ConnectionString"] = $"Data Source={Path.Combine(_dir, "tolk.db")};Pooling=False;Default Timeout=1",
            ["TOLK_ADMIN_PASSWORD"] = "admin-password-for-tests",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTolkData(configuration).AddTolkBilling();
        _services = services.BuildServiceProvider();
        var init = await _services.InitializeTolkDatabaseAsync();
        _tenant = init.DemoTenantId ?? throw new InvalidOperationException("the demo tenant was not seeded");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Concurrent_call_ends_are_all_recorded()
    {
        var recorder = _services.GetRequiredService<UsageRecorder>();
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            recorder.Record(_tenant, UsageKinds.CallMinutes, 0.5m, $"call-{i}"));

        await recorder.FlushAsync(CancellationToken.None);

        var (count, sum) = await UsageOfTenantAsync();
        Assert.Equal(2000, count);
        Assert.Equal(1000m, sum);
        Assert.Equal(0, recorder.Pending);
    }

    [Fact]
    public async Task A_locked_database_delays_usage_but_loses_none()
    {
        var recorder = _services.GetRequiredService<UsageRecorder>();
        await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(_dir, "tolk.db")};Pooling=False"))
        {
            await blocker.OpenAsync(CancellationToken.None);
            await using var tx = await blocker.BeginTransactionAsync(CancellationToken.None);
            await using (var write = blocker.CreateCommand())
            {
                // Takes the database's write lock and holds it until the transaction ends.
                write.Transaction = (SqliteTransaction)tx;
                write.CommandText = "UPDATE \"Tenants\" SET \"Plan\" = \"Plan\"";
                await write.ExecuteNonQueryAsync(CancellationToken.None);
            }

            for (var i = 0; i < 50; i++)
            {
                recorder.Record(_tenant, UsageKinds.TtsCharacters, 10, $"call-{i}");
            }

            await Task.Delay(2500, CancellationToken.None);
            Assert.Equal(50, recorder.Pending);
            await tx.RollbackAsync(CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource();
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await recorder.FlushAsync(timeout.Token);
        var (count, sum) = await UsageOfTenantAsync();
        Assert.Equal(50, count);
        Assert.Equal(500m, sum);
    }

    private async Task<(int Count, decimal Sum)> UsageOfTenantAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TolkDbContext>();
        var quantities = await db.Usage.IgnoreQueryFilters().Where(u => u.TenantId == _tenant).Select(u => u.Quantity).ToListAsync(CancellationToken.None);
        return (quantities.Count, quantities.Sum());
    }
}
