using Microsoft.EntityFrameworkCore;

namespace Tolk.Data;

/// <summary>The SQLite flavour of <see cref="TolkDbContext"/>; its migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteTolkDbContext(
    DbContextOptions<SqliteTolkDbContext> options,
    TenantContext? tenant = null,
    IDataChangeSink? changeSink = null,
    TimeProvider? time = null)
    : TolkDbContext(options, tenant, changeSink, time);

/// <summary>The PostgreSQL flavour of <see cref="TolkDbContext"/>; its migrations live in Migrations/Postgres.</summary>
public sealed class PostgresTolkDbContext(
    DbContextOptions<PostgresTolkDbContext> options,
    TenantContext? tenant = null,
    IDataChangeSink? changeSink = null,
    TimeProvider? time = null)
    : TolkDbContext(options, tenant, changeSink, time);
