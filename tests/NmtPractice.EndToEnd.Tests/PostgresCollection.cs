using NmtPractice.Testing;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>Tests that need only the shared private PostgreSQL (not the API server); see <see cref="PostgresCollectionBase"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : PostgresCollectionBase;
