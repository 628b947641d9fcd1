using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Tolk.Data;

namespace Tolk.Api.Tests.Data;

/// <summary>
/// The migrations are embedded SQL scripts; while the schema has one version, the script must equal
/// what the current model generates, so a model change without a new migration fails here.
/// </summary>
public sealed class SchemaTests
{
    private static string Embedded(string provider) =>
        new StreamReader(typeof(TolkDbContext).Assembly.GetManifestResourceStream($"Tolk.Data.Migrations.{provider}.0001_Initial.sql")!).ReadToEnd();

    [Fact]
    public void Sqlite_migration_matches_the_model()
    {
        using var db = new SqliteTolkDbContext(new DbContextOptionsBuilder<SqliteTolkDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.Equal(db.Database.GenerateCreateScript(), Embedded("Sqlite"));
    }

    [Fact]
    public void Postgres_migration_matches_the_model()
    {
        using var db = new PostgresTolkDbContext(new DbContextOptionsBuilder<PostgresTolkDbContext>().UseNpgsql("Host=unused").Options);
        Assert.Equal(db.Database.GenerateCreateScript(), Embedded("Postgres"));
    }

    [Fact]
    public void Each_provider_has_its_own_migrations()
    {
        var migrations = typeof(TolkDbContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<Microsoft.EntityFrameworkCore.Infrastructure.DbContextAttribute>() is not null)
            .GroupBy(t => t.GetCustomAttribute<Microsoft.EntityFrameworkCore.Infrastructure.DbContextAttribute>()!.ContextType)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, migrations[typeof(SqliteTolkDbContext)]);
        Assert.Equal(1, migrations[typeof(PostgresTolkDbContext)]);
    }
}
