using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tolk.Data.Migrations.Sqlite;

/// <summary>Schema version 1 on SQLite.</summary>
[DbContext(typeof(SqliteTolkDbContext))]
[Migration("20261122000100_Initial")]
public sealed class SqliteInitial : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("Sqlite", "0001_Initial.sql"));
}
