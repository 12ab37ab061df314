using System.Data;
using NmtPractice.Domain.Appointments;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Persistence.Records;
using NmtPractice.Persistence.Reports;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// The application role (<c>nmt_app</c>, what <see cref="PostgresFixture.ConnectionString"/> and the server connect as)
/// can do the application's work and nothing else: no DDL, no UPDATE/DELETE/TRUNCATE of the audit trail, no way
/// around its triggers. Each test gets its own freshly migrated database, so that a statement that wrongly succeeded
/// could not harm the other tests.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LeastPrivilegeTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static readonly Instant Now = Instant.FromUtc(2030, 3, 4, 6, 0);
    private string _app = "";

    public async Task InitializeAsync() => _app = await fixture.CreateDatabaseAsync("leastpriv");

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string> Forbidden() => new()
    {
        // statement, the SQLSTATE PostgreSQL answers (42501 insufficient_privilege unless noted)
        { "ALTER TABLE audit_log ADD COLUMN sneaky text", PostgresErrorCodes.InsufficientPrivilege },
        { "ALTER TABLE audit_log DISABLE TRIGGER ALL", PostgresErrorCodes.InsufficientPrivilege },
        { "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete", PostgresErrorCodes.InsufficientPrivilege },
        { "DROP TRIGGER audit_log_no_update_delete ON audit_log", PostgresErrorCodes.InsufficientPrivilege },
        { "UPDATE audit_log SET action = 'rewritten'", PostgresErrorCodes.InsufficientPrivilege },
        { "DELETE FROM audit_log", PostgresErrorCodes.InsufficientPrivilege },
        { "TRUNCATE audit_log", PostgresErrorCodes.InsufficientPrivilege },
        { "DROP TABLE audit_log", PostgresErrorCodes.InsufficientPrivilege },
        { "CREATE TABLE sneaky (v text)", PostgresErrorCodes.InsufficientPrivilege },
        { "CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS 'SELECT 1'", PostgresErrorCodes.InsufficientPrivilege },
        { "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'", PostgresErrorCodes.InsufficientPrivilege },
        { "DROP TABLE appointments", PostgresErrorCodes.InsufficientPrivilege },
        { "TRUNCATE appointments", PostgresErrorCodes.InsufficientPrivilege },
        { "ALTER TABLE appointments DROP CONSTRAINT appointments_therapist_no_overlap", PostgresErrorCodes.InsufficientPrivilege },
        { "ALTER TABLE appointments DISABLE TRIGGER USER", PostgresErrorCodes.InsufficientPrivilege },
        { "ALTER TABLE session_notes DISABLE TRIGGER session_notes_signed_is_final", PostgresErrorCodes.InsufficientPrivilege },
        // Replica mode would skip every ordinary trigger: superuser only.
        { "SET session_replication_role = replica", PostgresErrorCodes.InsufficientPrivilege },
        { "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 1)", PostgresErrorCodes.InsufficientPrivilege },
        { "INSERT INTO schema_migrations (name) VALUES ('9999_sneaky')", PostgresErrorCodes.InsufficientPrivilege },
        { "CREATE ROLE sneaky LOGIN", PostgresErrorCodes.InsufficientPrivilege },
        { "ALTER ROLE CURRENT_USER CREATEROLE", PostgresErrorCodes.InsufficientPrivilege },
        { "CREATE DATABASE sneaky", PostgresErrorCodes.InsufficientPrivilege },
        { "CREATE SCHEMA sneaky", PostgresErrorCodes.InsufficientPrivilege },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task The_application_role_is_refused(string sql, string sqlState)
    {
        await using var ds = NpgsqlDataSource.Create(_app);
        await new AuditLog(ds).AppendAsync(new AuditEntry("t", "therapist", "k", "record.read", "record", "c", "c", null, "127.0.0.1:1", AuditOutcomes.Ok));
#pragma warning disable CA2100 // The statements are the test's own.
        await using var command = ds.CreateCommand(sql);
#pragma warning restore CA2100
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(sqlState, error.SqlState);

        // Nothing changed: the audit row is there as written, the triggers are enabled, the ledger's constraints too.
        await using var owner = NpgsqlDataSource.Create(fixture.AsOwner(_app));
        Assert.Equal("record.read", await ScalarAsync<string>(owner, "SELECT string_agg(action, ',') FROM audit_log"));
        Assert.Equal(2L, await ScalarAsync<long>(owner, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND tgenabled = 'O'"));
        Assert.Equal(3L, await ScalarAsync<long>(owner, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'appointments'::regclass AND conname LIKE '%no_overlap'"));
        Assert.Null(await ScalarAsync<string?>(owner, "SELECT to_regclass('sneaky')::text"));
    }

    [Fact]
    public async Task The_application_role_has_no_special_rights_and_owns_nothing()
    {
        await using var ds = NpgsqlDataSource.Create(_app);
        Assert.Equal(Migrator.DefaultAppRole, await ScalarAsync<string>(ds, "SELECT current_user::text"));
        Assert.Equal(
            "f,f,f,f,f",
            await ScalarAsync<string>(ds, "SELECT concat_ws(',', rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls) FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(0L, await ScalarAsync<long>(ds, "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"));
        Assert.Equal(0L, await ScalarAsync<long>(ds, "SELECT count(*) FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"));
        Assert.False(await ScalarAsync<bool>(ds, "SELECT has_schema_privilege(current_user, 'public', 'CREATE')"));
        Assert.False(await ScalarAsync<bool>(ds, "SELECT has_database_privilege(current_user, current_database(), 'CREATE')"));
        Assert.False(await ScalarAsync<bool>(ds, "SELECT pg_has_role(current_user, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER')"));
        Assert.Equal("INSERT,SELECT", await ScalarAsync<string>(ds,
            "SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants WHERE grantee = current_user AND table_name = 'audit_log'"));

        // Every table (the Orleans ones too) is owned by the owner role, which the migrations ran as.
        await using var owner = NpgsqlDataSource.Create(fixture.AsOwner(_app));
        Assert.Equal(0L, await ScalarAsync<long>(owner,
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S', 'v') AND relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)"));
        Assert.True(await ScalarAsync<bool>(owner, "SELECT to_regclass('orleans_storage') IS NOT NULL AND to_regclass('orleans_membership') IS NOT NULL"));
    }

    [Fact]
    public async Task The_application_role_does_the_applications_work()
    {
        await using var ds = NpgsqlDataSource.Create(_app);
        var ledger = new AppointmentLedger(ds);
        var usage = new UsageStore(ds);
        var audit = new AuditLog(ds);

        // Reports' clinic registration locks the ledger and rebuilds (LOCK TABLE, a temporary table).
        Assert.True(await usage.RegisterClinicAsync("k1", "Europe/London"));
        var start = Instant.FromUtc(2030, 3, 5, 9, 0);
        var booked = new NewAppointment(Guid.NewGuid(), "req-lp-1", "k1", "t1", "r1", "c1", "svc", start, start + Duration.FromHours(1),
            start + Duration.FromMinutes(75), AppointmentStatus.Booked, null);
        var inserted = await ledger.InsertAsync(booked, Now);
        Assert.Equal(LedgerWriteKind.Inserted, inserted.Kind);
        var clash = booked with { Id = Guid.NewGuid(), RequestId = "req-lp-2", RoomId = "r2", ClientId = "c2" };
        Assert.Equal(LedgerWriteKind.Conflict, (await ledger.InsertAsync(clash, Now)).Kind);
        var stored = await ledger.GetAsync(booked.Id);
        Assert.NotNull(stored);
        Assert.Equal(LedgerWriteKind.Updated, (await ledger.UpdateStatusAsync(booked.Id, stored.Version, AppointmentStatus.Cancelled, "client", false, Now)).Kind);
        Assert.True(await usage.CompactAsync() >= 0);
        Assert.Equal(1, await usage.RebuildAsync());

        await audit.AppendAsync(new AuditEntry("t", "therapist", "k1", "record.read", "record", "c1", "c1", null, "127.0.0.1:1", AuditOutcomes.Ok));
        Assert.Single(await audit.QueryAsync(new AuditQuery(ClientId: "c1"), 10));

        // Orleans grain storage through its stored query, as Orleans runs it.
        var orleans = new OrleansTestDatabase(_app);
        var written = await orleans.RunStoredQueryAsync("WriteToStorageKey",
            P("GrainIdHash", 1), P("GrainIdN0", 2L), P("GrainIdN1", 3L), P("GrainTypeHash", 4), P("GrainTypeString", "lp"),
            P("GrainIdExtensionString", null), P("ServiceId", "lp"), P("GrainStateVersion", null), P("PayloadBinary", new byte[] { 1, 2, 3 }));
        Assert.Equal(1, Assert.Single(written)["NewGrainStateVersion"]);
    }

    [Fact]
    public async Task A_database_the_earlier_version_built_as_the_superuser_is_handed_to_the_owner_without_losing_rows()
    {
        // The earlier version: the superuser created the database and ran the migrations, so it owned everything.
        var name = "lp_old_" + Guid.NewGuid().ToString("N")[..10];
        await using (var admin = new NpgsqlConnection(fixture.AdminConnectionString))
        {
            await admin.OpenAsync();
#pragma warning disable CA2100 // A generated name.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync();
        }

        var asAdmin = fixture.AsAdmin(new NpgsqlConnectionStringBuilder(_app) { Database = name }.ConnectionString);
        await using (var ds = NpgsqlDataSource.Create(asAdmin))
        {
            await Migrator.ApplyAsync(ds, fixture.Logger, "no_such_role", CancellationToken.None);
            await new AuditLog(ds).AppendAsync(new AuditEntry("old", "therapist", "k", "record.read", "record", "c", "c", null, null, AuditOutcomes.Ok));
            Assert.Equal(0L, await ScalarAsync<long>(ds, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> 'postgres'::regrole"));
        }

        // What the embedded server and the fixture do on every start: the owner gets the database, then migrates (and grants).
        await DatabaseRoles.EnsureDatabaseAsync(fixture.AdminConnectionString, name, DatabaseRoles.DefaultOwnerRole, fixture.Logger, CancellationToken.None);
        await using (var ds = NpgsqlDataSource.Create(fixture.AsOwner(asAdmin)))
        {
            await Migrator.ApplyAsync(ds, fixture.Logger, CancellationToken.None);
            Assert.Equal(0L, await ScalarAsync<long>(ds,
                "SELECT count(*) FROM pg_class c WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S') AND relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)"));
            Assert.Equal(DatabaseRoles.DefaultOwnerRole, await ScalarAsync<string>(ds, "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()"));
        }

        await using (var ds = NpgsqlDataSource.Create(fixture.AsApp(asAdmin)))
        {
            Assert.Equal("old", Assert.Single(await new AuditLog(ds).QueryAsync(new AuditQuery(ActorSubject: "old"), 10)).Entry.ActorSubject);
            await new AuditLog(ds).AppendAsync(new AuditEntry("new", "therapist", "k", "record.read", "record", "c", "c", null, null, AuditOutcomes.Ok));
            await using var delete = ds.CreateCommand("DELETE FROM audit_log");
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).SqlState);
        }
    }

    private static (string, object?, DbType) P(string name, object? value) => (name, value, value switch
    {
        int => DbType.Int32,
        long => DbType.Int64,
        byte[] => DbType.Binary,
        _ => value is null && name.EndsWith("Version", StringComparison.Ordinal) ? DbType.Int32 : DbType.String,
    });

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource ds, string sql)
    {
#pragma warning disable CA2100 // The test's own SQL.
        await using var command = ds.CreateCommand(sql);
#pragma warning restore CA2100
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }
}
