using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tolk.Data.Migrations.Postgres;

/// <summary>Schema version 1 on PostgreSQL.</summary>
[DbContext(typeof(PostgresTolkDbContext))]
[Migration("20261122000100_Initial")]
public sealed class PostgresInitial : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("Postgres", "0001_Initial.sql"));
}
