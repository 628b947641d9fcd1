namespace Tolk.Data;

/// <summary>Database settings, bound from the configuration section <c>Tolk:Data</c>.</summary>
public sealed class TolkDataOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tolk:Data";

    /// <summary><c>sqlite</c> (default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The data directory (SQLite file, voice samples). Default <c>./data</c>.</summary>
    public string Directory { get; set; } = "data";

    /// <summary>
    /// Connection string. For SQLite the default is <c>Data Source={Directory}/tolk.db</c>; for
    /// PostgreSQL it is required (e.g. <c>Host=db;Database=tolk;Username=tolk;Password=…</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Base64 of 32 random bytes: the AES-256 key that encrypts stored secrets (webhook signing secrets).
    /// Unset: a key file <c>secrets.key</c> is created in <see cref="Directory"/>. Set it when several
    /// hosts share one PostgreSQL database, and keep it out of the database's backups.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>True when PostgreSQL is selected.</summary>
    public bool IsPostgres => string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "npgsql", StringComparison.OrdinalIgnoreCase);
}
