using NmtPractice.Testing;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>Tests that need only the shared private PostgreSQL (not the API server).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
