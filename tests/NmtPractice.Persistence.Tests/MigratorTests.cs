using Microsoft.Extensions.Logging.Abstractions;
using NmtPractice.Testing;
using Npgsql;

namespace NmtPractice.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class MigratorTests(PostgresFixture fixture)
{
    [Fact]
    public void Embedded_migrations_are_found_in_ordinal_order()
    {
        var names = Migrator.LoadEmbedded().Select(m => m.Name).ToList();
        Assert.Contains("0001_ledger", names);
        Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Applying_twice_is_a_no_op()
    {
        var cs = await fixture.CreateDatabaseAsync("mig");
        await using var ds = NpgsqlDataSource.Create(cs);
        await Migrator.ApplyAsync(ds, NullLogger.Instance, CancellationToken.None);
        var before = await AppliedAsync(ds);
        await Migrator.ApplyAsync(ds, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(before, await AppliedAsync(ds));
        Assert.Equal(Migrator.LoadEmbedded().Select(m => m.Name), before);
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_script_once()
    {
        // A fresh database that the fixture has not migrated: create it by hand.
        var name = "migc_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(fixture.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var cs = new NpgsqlConnectionStringBuilder(fixture.AdminConnectionString) { Database = name }.ConnectionString;
        await using var ds = NpgsqlDataSource.Create(cs);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator.ApplyAsync(ds, NullLogger.Instance, CancellationToken.None))));
        Assert.Equal(Migrator.LoadEmbedded().Select(m => m.Name), await AppliedAsync(ds));

        await using var cmd = ds.CreateCommand("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'appointments_%_no_overlap'");
        Assert.Equal(3L, await cmd.ExecuteScalarAsync());
    }

    private static async Task<List<string>> AppliedAsync(NpgsqlDataSource ds)
    {
        await using var cmd = ds.CreateCommand("SELECT name FROM schema_migrations ORDER BY name COLLATE \"C\"");
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}
