using System.Reflection;
using Npgsql;
using NmtPractice.Testing;
using NmtPractice.Persistence.OrleansAdoNet;
using Orleans.Runtime.MembershipService;
using Orleans.Configuration;
using static NmtPractice.Persistence.Tests.OrleansTestDatabase;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// Our Orleans query texts, run directly with Npgsql and bound the way Orleans binds them
/// (the keys and the invariant: <see cref="OrleansAdoNetSchema"/>; the binding rules: the comment at the top of
/// Migrations/0100_orleans_query_table.sql).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansSqlContractTests(PostgresFixture fixture) : IAsyncLifetime
{
    private OrleansTestDatabase db = null!;

    public async Task InitializeAsync() => db = new OrleansTestDatabase(await fixture.CreateDatabaseAsync("orleans"));

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly DateTime T0 = new(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Orleansquery_holds_every_key_the_Orleans_providers_require()
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            // The exact statement the providers run (unquoted identifiers).
            await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(reader.GetOrdinal("QueryKey")));
                Assert.False(string.IsNullOrWhiteSpace(reader.GetString(reader.GetOrdinal("QueryText"))));
            }
        }

        // What the installed Orleans assemblies check at start-up: every non-public instance
        // property of their internal DbStoredQueries class must have a row.
        var clusteringRequired = RequiredKeys(typeof(AdoNetClusteringTable).Assembly, "Orleans.Clustering.AdoNet.Storage.DbStoredQueries");
        var remindersRequired = RequiredKeys(typeof(AdoNetReminderTableOptions).Assembly, "Orleans.Reminders.AdoNet.Storage.DbStoredQueries");

        Assert.Equal(OrleansAdoNetSchema.ClusteringQueryKeys.Order(), clusteringRequired.Order());
        Assert.Equal(OrleansAdoNetSchema.ReminderQueryKeys.Order(), remindersRequired.Order());
        Assert.Empty(clusteringRequired.Concat(remindersRequired).Concat(OrleansAdoNetSchema.PersistenceQueryKeys).Except(stored));
        Assert.Equal(OrleansAdoNetSchema.AllQueryKeys.Order(), stored.Order());
    }

    private static List<string> RequiredKeys(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return [.. type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name)];
    }

    [Fact]
    public async Task Migrator_applies_the_orleans_scripts_and_they_are_idempotent()
    {
        // Migrations are DDL: the owner role runs them, not the application's.
        await using var connection = new NpgsqlConnection(fixture.AsOwner(db.ConnectionString));
        await connection.OpenAsync();
        var recorded = new List<string>();
        await using (var applied = new NpgsqlCommand("SELECT name FROM schema_migrations WHERE name LIKE '01%orleans%' ORDER BY name", connection))
        await using (var reader = await applied.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                recorded.Add(reader.GetString(0));
            }
        }

        Assert.Equal(
            ["0100_orleans_query_table", "0110_orleans_clustering", "0120_orleans_persistence", "0130_orleans_reminders"],
            recorded);

        // Running every script again (as a crashed half-applied deployment might) changes nothing.
        foreach (var (_, sql) in OrleansMigrationScripts())
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand(sql, connection, tx);
            await command.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
    }

    [Fact]
    public async Task Fresh_deployment_reads_back_the_version_row_with_no_silos()
    {
        var deployment = "dep-" + Guid.NewGuid();

        Assert.Empty(await db.RunStoredQueryAsync("MembershipReadAllKey", P("DeploymentId", deployment)));

        var inserted = await db.RunStoredQueryAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));
        Assert.True(Convert.ToInt64(Assert.Single(Assert.Single(inserted).Values)) > 0);
        var again = await db.RunStoredQueryAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));
        Assert.Equal(0L, Convert.ToInt64(Assert.Single(Assert.Single(again).Values)));

        var all = Assert.Single(await db.RunStoredQueryAsync("MembershipReadAllKey", P("DeploymentId", deployment)));
        Assert.Null(all["StartTime"]);
        Assert.Null(all["Address"]);
        Assert.Equal(0, all["Version"]);
        Assert.Equal(deployment, all["DeploymentId"]);

        var one = Assert.Single(await db.RunStoredQueryAsync("MembershipReadRowKey",
            P("DeploymentId", deployment), Ansi("Address", "127.0.0.1"), P("Port", 11111), P("Generation", 1)));
        Assert.Null(one["StartTime"]);
        Assert.Equal(0, one["Version"]);
    }

    [Fact]
    public async Task Membership_insert_and_update_refuse_a_wrong_version_and_are_atomic()
    {
        var deployment = "dep-" + Guid.NewGuid();
        await db.RunStoredQueryAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));

        Assert.Equal(0, await InsertSilo(deployment, generation: 1, version: 7));
        Assert.Equal(0, await TableVersion(deployment));
        Assert.Equal(1, await InsertSilo(deployment, generation: 1, version: 0));
        Assert.Equal(1, await TableVersion(deployment));

        // Same silo again with the right version: refused, and the version bump rolled back.
        Assert.Equal(0, await InsertSilo(deployment, generation: 1, version: 1));
        Assert.Equal(1, await TableVersion(deployment));

        Assert.Equal(0, await UpdateSilo(deployment, generation: 1, status: 3, version: 0));
        Assert.Equal(1, await TableVersion(deployment));
        Assert.Equal(1, await UpdateSilo(deployment, generation: 1, status: 3, version: 1));
        Assert.Equal(2, await TableVersion(deployment));

        // Unknown silo with the right version: refused, version unchanged.
        Assert.Equal(0, await UpdateSilo(deployment, generation: 99, status: 3, version: 2));
        Assert.Equal(2, await TableVersion(deployment));

        var row = Assert.Single(await db.RunStoredQueryAsync("MembershipReadRowKey",
            P("DeploymentId", deployment), Ansi("Address", "127.0.0.1"), P("Port", 11111), P("Generation", 1)));
        Assert.Equal(3, row["Status"]);
        Assert.Equal("127.0.0.1", row["Address"]);
        Assert.Equal("silo-1", row["SiloName"]);
        Assert.Equal("S127.0.0.1:11112:2,2026-03-01 09:00:00.000 GMT", row["SuspectTimes"]);
        var start = Assert.IsType<DateTime>(row["StartTime"]);
        Assert.Equal(DateTimeKind.Utc, start.Kind);
        Assert.Equal(T0, start);
        Assert.Equal(2, row["Version"]);

        var gateways = await db.RunStoredQueryAsync("GatewaysQueryKey", P("DeploymentId", deployment), P("Status", 3));
        var gateway = Assert.Single(gateways);
        Assert.Equal(30000, gateway["ProxyPort"]);
        Assert.Equal(1, gateway["Generation"]);

        await db.RunStoredQueryAsync("UpdateIAmAlivetimeKey", P("DeploymentId", deployment),
            Ansi("Address", "127.0.0.1"), P("Port", 11111), P("Generation", 1), P("IAmAliveTime", T0.AddMinutes(5)));
        row = Assert.Single(await db.RunStoredQueryAsync("MembershipReadAllKey", P("DeploymentId", deployment)));
        Assert.Equal(T0.AddMinutes(5), row["IAmAliveTime"]);
    }

    [Fact]
    public async Task Cleanup_removes_only_stale_inactive_silos_and_delete_removes_the_deployment()
    {
        var deployment = "dep-" + Guid.NewGuid();
        await db.RunStoredQueryAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));
        Assert.Equal(1, await InsertSilo(deployment, generation: 1, version: 0)); // Joining (1), heartbeat T0
        Assert.Equal(1, await InsertSilo(deployment, generation: 2, version: 1));
        Assert.Equal(1, await UpdateSilo(deployment, generation: 2, status: 3, version: 2)); // Active

        await db.RunStoredQueryAsync("CleanupDefunctSiloEntriesKey", P("DeploymentId", deployment), P("IAmAliveTime", T0.AddMinutes(1)));
        var left = Assert.Single(await db.RunStoredQueryAsync("MembershipReadAllKey", P("DeploymentId", deployment)));
        Assert.Equal(2, left["Generation"]);

        await db.RunStoredQueryAsync("DeleteMembershipTableEntriesKey", P("DeploymentId", deployment));
        Assert.Empty(await db.RunStoredQueryAsync("MembershipReadAllKey", P("DeploymentId", deployment)));
    }

    [Fact]
    public async Task DateTime_parameters_bind_as_timestamptz_and_must_be_utc()
    {
        // Orleans binds DateTime with DbType.DateTime; Npgsql 10 maps that to timestamptz, which
        // accepts only DateTimeKind.Utc. Orleans passes UTC times (reminder start times of
        // Unspecified kind are re-labelled Utc by the provider), so this holds for the providers,
        // but anyone calling these texts by hand must pass UTC.
        var deployment = "dep-" + Guid.NewGuid();
        await db.RunStoredQueryAsync("InsertMembershipVersionKey", P("DeploymentId", deployment));
        var unspecified = DateTime.SpecifyKind(T0, DateTimeKind.Unspecified);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => db.RunStoredQueryAsync("CleanupDefunctSiloEntriesKey",
            P("DeploymentId", deployment), P("IAmAliveTime", unspecified)));
        Assert.Contains("timestamp with time zone", error.Message, StringComparison.Ordinal);
        await db.RunStoredQueryAsync("CleanupDefunctSiloEntriesKey", P("DeploymentId", deployment), P("IAmAliveTime", T0));
    }

    private async Task<int> InsertSilo(string deployment, int generation, int version)
    {
        var rows = await db.RunStoredQueryAsync("InsertMembershipKey",
            P("DeploymentId", deployment), Ansi("Address", "127.0.0.1"), P("Port", 11111), P("Generation", generation),
            P("SiloName", "silo-" + generation), P("HostName", "host"), P("Status", 1), P("ProxyPort", 30000),
            P("StartTime", T0), P("IAmAliveTime", T0), P("Version", version));
        return Convert.ToInt32(Assert.Single(Assert.Single(rows).Values));
    }

    private async Task<int> UpdateSilo(string deployment, int generation, int status, int version)
    {
        var rows = await db.RunStoredQueryAsync("UpdateMembershipKey",
            P("DeploymentId", deployment), Ansi("Address", "127.0.0.1"), P("Port", 11111), P("Generation", generation),
            P("Status", status), P("SuspectTimes", "S127.0.0.1:11112:2,2026-03-01 09:00:00.000 GMT"),
            P("IAmAliveTime", T0), P("Version", version));
        return Convert.ToInt32(Assert.Single(Assert.Single(rows).Values));
    }

    private async Task<int> TableVersion(string deployment)
    {
        var rows = await db.RunStoredQueryAsync("MembershipReadAllKey", P("DeploymentId", deployment));
        return (int)rows[0]["Version"]!;
    }

    [Fact]
    public async Task Reminder_range_reads_include_the_wrap_around()
    {
        var service = "svc-" + Guid.NewGuid();
        int[] hashes = [int.MinValue, -1000, -1, 0, 1000, 1001, int.MaxValue];
        foreach (var hash in hashes)
        {
            var version = await UpsertReminder(service, $"g/{hash}", "r", hash, period: 60_000);
            Assert.Equal(0, version);
        }

        // Update: version + 1, and a period beyond int range is kept as bigint.
        Assert.Equal(1, await UpsertReminder(service, "g/0", "r", 0, period: 5_000_000_000L));

        Assert.Equal(new[] { -1, 0, 1000 }, await Range("ReadRangeRows1Key", service, -1000, 1000));
        Assert.Equal(new[] { -1000, -1, 0, 1000, 1001, int.MaxValue }, await Range("ReadRangeRows1Key", service, int.MinValue, int.MaxValue));
        Assert.Equal(new[] { int.MinValue, -1000, 1001, int.MaxValue }, await Range("ReadRangeRows2Key", service, 1000, -1000));
        Assert.Equal(new[] { int.MinValue, 1001, int.MaxValue }, await Range("ReadRangeRows2Key", service, 1000, int.MinValue));
        // begin == end: the whole ring.
        Assert.Equal(hashes.Order(), await Range("ReadRangeRows2Key", service, 5, 5));

        var one = Assert.Single(await db.RunStoredQueryAsync("ReadReminderRowKey",
            P("ServiceId", service), Ansi("GrainId", "g/0"), P("ReminderName", "r")));
        Assert.Equal(5_000_000_000L, one["Period"]);
        Assert.Equal(1, one["Version"]);
        Assert.Equal(DateTimeKind.Utc, Assert.IsType<DateTime>(one["StartTime"]).Kind);
        Assert.Single(await db.RunStoredQueryAsync("ReadReminderRowsKey", P("ServiceId", service), Ansi("GrainId", "g/0")));

        Assert.Equal(0, await DeleteReminder(service, "g/0", "r", version: 0));
        Assert.Equal(1, await DeleteReminder(service, "g/0", "r", version: 1));
        Assert.Empty(await db.RunStoredQueryAsync("ReadReminderRowKey", P("ServiceId", service), Ansi("GrainId", "g/0"), P("ReminderName", "r")));

        await db.RunStoredQueryAsync("DeleteReminderRowsKey", P("ServiceId", service));
        Assert.Empty(await Range("ReadRangeRows2Key", service, 5, 5));
    }

    private async Task<int> UpsertReminder(string service, string grainId, string name, int hash, long period)
    {
        // Orleans binds the period as int when it fits, else as long.
        var periodParam = period <= int.MaxValue ? P("Period", (int)period) : P("Period", period);
        var rows = await db.RunStoredQueryAsync("UpsertReminderRowKey",
            P("ServiceId", service), P("GrainHash", hash), Ansi("GrainId", grainId), P("ReminderName", name),
            P("StartTime", T0), periodParam);
        return Convert.ToInt32(Assert.Single(rows)["Version"]);
    }

    private async Task<int[]> Range(string key, string service, int begin, int end)
    {
        var rows = await db.RunStoredQueryAsync(key, P("ServiceId", service), P("BeginHash", begin), P("EndHash", end));
        return [.. rows.Select(r => int.Parse(((string)r["GrainId"]!)[2..], System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }

    private async Task<int> DeleteReminder(string service, string grainId, string name, int version)
    {
        var rows = await db.RunStoredQueryAsync("DeleteReminderRowKey",
            P("ServiceId", service), Ansi("GrainId", grainId), P("ReminderName", name), P("Version", version));
        return Convert.ToInt32(Assert.Single(Assert.Single(rows).Values));
    }

    [Fact]
    public async Task Storage_write_follows_etag_semantics()
    {
        var service = "svc-" + Guid.NewGuid();
        byte[] payload = [1, 2, 3];

        Assert.Empty(await ReadState(service, null));
        Assert.Equal(1, await WriteState(service, null, version: null, payload));
        Assert.Null(await WriteState(service, null, version: null, payload)); // insert only if absent
        Assert.Equal(2, await WriteState(service, null, version: 1, payload));
        Assert.Null(await WriteState(service, null, version: 1, payload)); // stale
        // NULLS NOT DISTINCT: a second row with the same null extension cannot exist.
        var row = Assert.Single(await ReadState(service, null));
        Assert.Equal(2, row["Version"]);
        Assert.Equal(payload, row["PayloadBinary"]);

        // An extension is a different row.
        Assert.Equal(1, await WriteState(service, "ext", version: null, payload));

        Assert.Null(await StoredVersion("ClearStorageKey", service, null, version: 1));
        Assert.Equal(3, await StoredVersion("ClearStorageKey", service, null, version: 2));
        row = Assert.Single(await ReadState(service, null));
        Assert.Null(row["PayloadBinary"]);
        Assert.Equal(3, row["Version"]);

        Assert.Null(await StoredVersion("DeleteStorageKey", service, null, version: 2));
        Assert.Equal(4, await StoredVersion("DeleteStorageKey", service, null, version: 3));
        Assert.Empty(await ReadState(service, null));
        Assert.Single(await ReadState(service, "ext"));
    }

    private static (string, object?, System.Data.DbType)[] GrainKey(string service, string? extension) =>
    [
        P("GrainIdHash", 42), P("GrainIdN0", 7L), P("GrainIdN1", -8L), P("GrainTypeHash", 43),
        P("GrainTypeString", "contractState"), P("GrainIdExtensionString", extension), P("ServiceId", service),
    ];

    private Task<List<Dictionary<string, object?>>> ReadState(string service, string? extension) =>
        db.RunStoredQueryAsync("ReadFromStorageKey", GrainKey(service, extension));

    private async Task<int?> WriteState(string service, string? extension, int? version, byte[] payload)
    {
        var rows = await db.RunStoredQueryAsync("WriteToStorageKey",
            [.. GrainKey(service, extension), P("GrainStateVersion", version), P("PayloadBinary", payload)]);
        return (int?)Assert.Single(rows)["NewGrainStateVersion"];
    }

    private async Task<int?> StoredVersion(string key, string service, string? extension, int? version)
    {
        var rows = await db.RunStoredQueryAsync(key, [.. GrainKey(service, extension), P("GrainStateVersion", version)]);
        return (int?)Assert.Single(Assert.Single(rows).Values);
    }
}
