using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tolk.Api.Tests.Infrastructure;
using Tolk.Data;

namespace Tolk.Api.Tests.Data;

/// <summary>
/// The migrations are embedded SQL scripts, one per provider and version. A database built by running them in
/// order must have exactly the tables, columns, keys and indexes of one created straight from the current model,
/// so a model change without a new migration (or a migration the model does not know) fails here. Compared as
/// sets: a column added by a later version sits at the end of its table, and its DEFAULT (needed to add a NOT NULL
/// column to rows that exist) is not part of the model, which always writes every column.
/// </summary>
/// <remarks>In the PostgreSQL collection: its fixture stops the shared server when that collection is done.</remarks>
[Collection("postgres")]
public sealed class SchemaTests
{
    private static readonly string[] Versions = ["0001_Initial.sql", "0002_Transcripts.sql", "0003_CallerPreferences.sql"];

    private static string Embedded(string provider, string name) =>
        new StreamReader(typeof(TolkDbContext).Assembly.GetManifestResourceStream($"Tolk.Data.Migrations.{provider}.{name}")
            ?? throw new InvalidOperationException($"no embedded script {provider}/{name}")).ReadToEnd();

    private static async Task<List<string>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private static async Task<List<string>> SqliteSchemaAsync(SqliteConnection connection)
    {
        var tables = await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%EFMigrations%'");
        var schema = new List<string>();
        foreach (var table in tables)
        {
            schema.AddRange((await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')")).Select(c => $"column {table}: {c}"));
            schema.AddRange((await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')")).Select(f => $"fk {table}: {f}"));
        }

        schema.AddRange((await QueryAsync(connection, "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")).Select(i => $"index {i}"));
        return [.. schema.Order(StringComparer.Ordinal)];
    }

    private static async Task<List<string>> PostgresSchemaAsync(DbConnection connection)
    {
        var schema = new List<string>();
        schema.AddRange((await QueryAsync(connection,
            "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, is_identity FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '%EFMigrations%'"))
            .Select(c => $"column {c}"));
        schema.AddRange((await QueryAsync(connection,
            "SELECT tc.table_name, tc.constraint_name, tc.constraint_type FROM information_schema.table_constraints tc WHERE tc.table_schema = 'public' AND tc.table_name NOT LIKE '%EFMigrations%' AND tc.constraint_type <> 'CHECK'"))
            .Select(c => $"constraint {c}"));
        schema.AddRange((await QueryAsync(connection,
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '%EFMigrations%'"))
            .Select(i => $"index {i}"));
        return [.. schema.Order(StringComparer.Ordinal)];
    }

    private static void AssertSame(List<string> fromModel, List<string> migrated)
    {
        var missing = fromModel.Except(migrated).ToList();
        var extra = migrated.Except(fromModel).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"migrations differ from the model.\nOnly in the model:\n  {string.Join("\n  ", missing)}\nOnly after the migrations:\n  {string.Join("\n  ", extra)}");
    }

    [Fact]
    public async Task Sqlite_migrations_build_the_model_schema()
    {
        await using var fromModel = new SqliteConnection("Data Source=:memory:");
        await using var migrated = new SqliteConnection("Data Source=:memory:");
        await fromModel.OpenAsync();
        await migrated.OpenAsync();
        static SqliteTolkDbContext Context(SqliteConnection c) => new(new DbContextOptionsBuilder<SqliteTolkDbContext>().UseSqlite(c)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)).Options);

        await using (var db = Context(fromModel))
        {
            await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
        }

        await using (var db = Context(migrated))
        {
            await db.Database.MigrateAsync();
        }

        AssertSame(await SqliteSchemaAsync(fromModel), await SqliteSchemaAsync(migrated));
    }

    [Fact]
    public async Task Postgres_migrations_build_the_model_schema()
    {
        static PostgresTolkDbContext Context(string cs) => new(new DbContextOptionsBuilder<PostgresTolkDbContext>().UseNpgsql(cs)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)).Options);

        await using var fromModel = Context(await PostgresServer.NewDatabaseAsync());
        await using var migrated = Context(await PostgresServer.NewDatabaseAsync());
        await fromModel.Database.EnsureCreatedAsync();
        await migrated.Database.MigrateAsync();
        var modelConnection = fromModel.Database.GetDbConnection();
        var migratedConnection = migrated.Database.GetDbConnection();
        await modelConnection.OpenAsync();
        await migratedConnection.OpenAsync();
        AssertSame(await PostgresSchemaAsync(modelConnection), await PostgresSchemaAsync(migratedConnection));
    }

    [Fact]
    public void Shipped_versions_stay_as_they_were()
    {
        // Databases that applied a version must not need it again: later changes go into later scripts.
        foreach (var provider in new[] { "Sqlite", "Postgres" })
        {
            Assert.DoesNotContain("Transcripts", Embedded(provider, Versions[0]), StringComparison.Ordinal);
            Assert.DoesNotContain("CallerLanguages", Embedded(provider, Versions[1]), StringComparison.Ordinal);
            Assert.Contains("CallerLanguages", Embedded(provider, Versions[2]), StringComparison.Ordinal);
        }
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
