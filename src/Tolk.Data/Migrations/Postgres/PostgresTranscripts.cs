using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tolk.Data.Migrations.Postgres;

/// <summary>Schema version 2 on PostgreSQL: persisted transcripts and the webhook delivery log.</summary>
[DbContext(typeof(PostgresTolkDbContext))]
[Migration("20261122000200_Transcripts")]
public sealed class PostgresTranscripts : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("Postgres", "0002_Transcripts.sql"));
}
