namespace Tolk.Api.Tests.Infrastructure;

/// <summary>All SQLite test classes share one host; they run one after another.</summary>
[CollectionDefinition("sqlite")]
public sealed class SqliteCollection : ICollectionFixture<SqliteFixture>;

/// <summary>All PostgreSQL test classes share one host (in parallel with the SQLite collection).</summary>
[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
