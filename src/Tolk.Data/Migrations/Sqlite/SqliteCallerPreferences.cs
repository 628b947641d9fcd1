using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tolk.Data.Migrations.Sqlite;

/// <summary>
/// Schema version 3 on SQLite: a voice per SIP account, the emotion labels a room alerts on, webhook payloads kept
/// until settled (resent after a restart), and the language each caller last chose.
/// </summary>
[DbContext(typeof(SqliteTolkDbContext))]
[Migration("20261204000300_CallerPreferences")]
public sealed class SqliteCallerPreferences : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(SchemaScripts.Read("Sqlite", "0003_CallerPreferences.sql"));
}
