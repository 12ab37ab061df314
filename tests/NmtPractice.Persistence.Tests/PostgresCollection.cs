using NmtPractice.Testing;

namespace NmtPractice.Persistence.Tests;

/// <summary>Tests that share one private PostgreSQL; see <see cref="PostgresCollectionBase"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : PostgresCollectionBase;
