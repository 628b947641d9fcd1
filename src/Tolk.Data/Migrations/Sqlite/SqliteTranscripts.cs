using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tolk.Data.Migrations.Sqlite;

/// <summary>Schema version 2 on SQLite: persisted transcripts and the webhook delivery log.</summary>
[DbContext(typeof(SqliteTolkDbContext))]
[Migration("20261122000200_Transcripts")]
public sealed class SqliteTranscripts : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("Sqlite", "0002_Transcripts.sql"));
}
