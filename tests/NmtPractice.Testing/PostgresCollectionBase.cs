using Xunit;

namespace NmtPractice.Testing;

/// <summary>
/// The test collection that shares one private PostgreSQL (<see cref="PostgresFixture"/>) between test classes.
/// xunit v2 discovers collection definitions only in the test assembly itself, so each test project that needs it
/// declares a one-line <c>[CollectionDefinition(Name)] PostgresCollection : PostgresCollectionBase</c>; the fixture
/// and the name live here.
/// </summary>
public abstract class PostgresCollectionBase : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
