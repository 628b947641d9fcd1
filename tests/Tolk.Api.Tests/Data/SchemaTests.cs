using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Tolk.Data;

namespace Tolk.Api.Tests.Data;

/// <summary>
/// The migrations are embedded SQL scripts, one per provider and version, each adding tables and indexes.
/// Together they must hold exactly the statements the current model generates, so a model change without a
/// new migration (or a migration the model does not know) fails here.
/// </summary>
public sealed class SchemaTests
{
    private static readonly string[] Versions = ["0001_Initial.sql", "0002_Transcripts.sql"];

    private static string Embedded(string provider, string name) =>
        new StreamReader(typeof(TolkDbContext).Assembly.GetManifestResourceStream($"Tolk.Data.Migrations.{provider}.{name}")
            ?? throw new InvalidOperationException($"no embedded script {provider}/{name}")).ReadToEnd();

    // GenerateCreateScript separates statements by two blank lines.
    private static List<string> Statements(string script) =>
        script.Split("\n\n\n").Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private static void AssertScriptsMatch(DbContext db, string provider)
    {
        var model = Statements(db.Database.GenerateCreateScript());
        var migrations = Versions.SelectMany(v => Statements(Embedded(provider, v))).ToList();
        Assert.Equal(migrations.Count, migrations.Distinct().Count());
        Assert.Equal(model.Order(StringComparer.Ordinal), migrations.Order(StringComparer.Ordinal));
        // Version 1 stays as it was shipped: databases that applied it must not need it again.
        Assert.Contains(model, s => s.StartsWith("CREATE TABLE \"Transcripts\"", StringComparison.Ordinal));
        Assert.DoesNotContain("Transcripts", Embedded(provider, Versions[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteTolkDbContext(new DbContextOptionsBuilder<SqliteTolkDbContext>().UseSqlite("Data Source=:memory:").Options);
        AssertScriptsMatch(db, "Sqlite");
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresTolkDbContext(new DbContextOptionsBuilder<PostgresTolkDbContext>().UseNpgsql("Host=unused").Options);
        AssertScriptsMatch(db, "Postgres");
    }

    [Fact]
    public void Each_provider_has_its_own_migrations()
    {
        var migrations = typeof(TolkDbContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<Microsoft.EntityFrameworkCore.Infrastructure.DbContextAttribute>() is not null)
            .GroupBy(t => t.GetCustomAttribute<Microsoft.EntityFrameworkCore.Infrastructure.DbContextAttribute>()!.ContextType)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Versions.Length, migrations[typeof(SqliteTolkDbContext)]);
        Assert.Equal(Versions.Length, migrations[typeof(PostgresTolkDbContext)]);
    }
}
