using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace NmtPractice.Persistence;

/// <summary>
/// Applies the embedded Migrations/*.sql scripts in ordinal file-name order, each in its own transaction under a
/// transaction-scoped advisory lock (so silos starting at once are safe), recording them in schema_migrations; then,
/// after every run (also when nothing was pending), grants the application role what it needs and nothing more
/// (<see cref="GrantApplicationRoleAsync"/>). Run it as the role that owns the schema (<c>ConnectionStrings:NmtOwner</c>).
/// </summary>
public static class Migrator
{
    /// <summary>Advisory lock key shared by every migrator ("NMTMIGR1" as a big-endian int64).</summary>
    public const long AdvisoryLockKey = 0x4E4D_544D_4947_5231;

    /// <summary>The application's least-privilege role when <c>Nmt:Database:AppRole</c> does not name another.</summary>
    public const string DefaultAppRole = "nmt_app";

    private const string ResourceMarker = ".Migrations.";

    /// <summary>One migration: its name (the file name without .sql) and its SQL.</summary>
    public sealed record Migration(string Name, string Sql);

    /// <summary>The embedded migrations, in the order they are applied.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.LastIndexOf(ResourceMarker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var fileName = resource[(at + ResourceMarker.Length)..];
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded resource {resource} vanished.");
            using var reader = new StreamReader(stream);
            list.Add(new Migration(fileName[..^".sql".Length], reader.ReadToEnd()));
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Applies the pending migrations, then grants <see cref="DefaultAppRole"/> its rights.</summary>
    public static Task ApplyAsync(NpgsqlDataSource ds, ILogger logger, CancellationToken ct) => ApplyAsync(ds, logger, DefaultAppRole, ct);

    /// <summary>
    /// Applies the pending migrations, then grants <paramref name="appRole"/> its rights. When every migration is
    /// applied already it runs no DDL, so a role without CREATE (the application's own) may call it.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlDataSource ds, ILogger logger, string appRole, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(appRole);

        var migrations = LoadEmbedded();
        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await EnsureSupportedServerAsync(conn, ct).ConfigureAwait(false);
        var done = await AppliedAsync(conn, ct).ConfigureAwait(false);
        var applied = 0;
        foreach (var migration in migrations)
        {
            if (done.Contains(migration.Name))
            {
                continue;
            }

            await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var prepare = new NpgsqlCommand(
                "SELECT pg_advisory_xact_lock(@key);"
                + "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
                conn,
                tx))
            {
                prepare.Parameters.AddWithValue("key", AdvisoryLockKey);
                await prepare.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var check = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE name = @name", conn, tx))
            {
                check.Parameters.AddWithValue("name", migration.Name);
                if (await check.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
                {
                    await tx.RollbackAsync(ct).ConfigureAwait(false);
                    logger.LogDebug("Migration {Migration} already applied", migration.Name);
                    continue;
                }
            }

            logger.LogInformation("Applying migration {Migration}", migration.Name);
            try
            {
#pragma warning disable CA2100 // Our own embedded scripts.
                await using (var script = new NpgsqlCommand(migration.Sql, conn, tx))
#pragma warning restore CA2100
                {
                    script.CommandTimeout = 0;
                    await script.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"Migration {migration.Name} failed: {e.MessageText} (SQLSTATE {e.SqlState}).", e);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES (@name)", conn, tx))
            {
                record.Parameters.AddWithValue("name", migration.Name);
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            applied++;
        }

        logger.LogInformation("Migrations: {Applied} applied, {Total} known", applied, migrations.Count);
        await GrantApplicationRoleAsync(conn, appRole, logger, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Grants <paramref name="appRole"/> exactly what the application needs on the objects the connected role owns in
    /// the current schema, idempotently: SELECT, INSERT, UPDATE, DELETE on the tables; only SELECT and INSERT on
    /// <c>audit_log</c> (append-only) and only SELECT on <c>schema_migrations</c>; USAGE and SELECT on the sequences;
    /// EXECUTE on the functions; USAGE on the schema, never CREATE; never TRUNCATE, REFERENCES or TRIGGER. Default
    /// privileges give the same to tables, sequences and functions that later migrations create. Not owning anything
    /// is what keeps the role from ALTER, DROP or disabling triggers. Skipped (with a log line) when the role does not
    /// exist, or is the connected role itself (development: one role for everything).
    /// </summary>
    public static async Task GrantApplicationRoleAsync(NpgsqlConnection conn, string appRole, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(appRole);
        await using (var check = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1), current_user = $1, current_user::text", conn))
        {
            check.Parameters.AddWithValue(appRole);
            await using var reader = await check.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            if (!reader.GetBoolean(0))
            {
                logger.LogInformation(
                    "No role {AppRole} on this server: no grants (the application connects as {User}, which owns the schema; see docs/security.md for the two roles)",
                    appRole,
                    reader.GetString(2));
                return;
            }

            if (reader.GetBoolean(1))
            {
                logger.LogWarning(
                    "Migrations run as the application role {AppRole} itself: no grants; set ConnectionStrings:NmtOwner to the owner role (docs/security.md)",
                    appRole);
                return;
            }
        }

        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", conn, tx))
        {
            // Concurrent GRANTs on one object can fail with "tuple concurrently updated": one migrator at a time.
            lockCommand.Parameters.AddWithValue(AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

#pragma warning disable CA2100 // Our own SQL; the role name is a quoted literal.
        await using (var grant = new NpgsqlCommand(GrantSql.Replace("@app", QuoteLiteral(appRole), StringComparison.Ordinal), conn, tx))
#pragma warning restore CA2100
        {
            await grant.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        logger.LogInformation("Granted the application role {AppRole} its rights (no DDL, audit_log append-only)", appRole);
    }

    private const string GrantSql = """
        DO $grants$
        DECLARE
            app    text := @app;
            schema text := current_schema();
            r      record;
        BEGIN
            FOR r IN
                SELECT c.oid::regclass AS rel, c.relkind, c.relname
                  FROM pg_class c
                 WHERE c.relnamespace = schema::regnamespace
                   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                   AND pg_has_role(c.relowner, 'USAGE')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            LOOP
                IF r.relkind = 'S' THEN
                    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', r.rel, app);
                    EXECUTE format('REVOKE UPDATE ON SEQUENCE %s FROM %I', r.rel, app);
                ELSIF r.relname = 'audit_log' THEN
                    EXECUTE format('GRANT SELECT, INSERT ON TABLE %s TO %I', r.rel, app);
                    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s FROM %I', r.rel, app);
                ELSIF r.relname = 'schema_migrations' THEN
                    EXECUTE format('GRANT SELECT ON TABLE %s TO %I', r.rel, app);
                    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s FROM %I', r.rel, app);
                ELSE
                    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO %I', r.rel, app);
                    EXECUTE format('REVOKE TRUNCATE, REFERENCES, TRIGGER ON TABLE %s FROM %I', r.rel, app);
                END IF;
            END LOOP;

            FOR r IN
                SELECT p.oid::regprocedure AS fn
                  FROM pg_proc p
                 WHERE p.pronamespace = schema::regnamespace
                   AND p.prokind IN ('f', 'p')
                   AND pg_has_role(p.proowner, 'USAGE')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            LOOP
                EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I', r.fn, app);
            END LOOP;

            -- What later migrations create (as this role) is granted the same way; audit-like tables revoke for themselves.
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', schema, app);
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I', schema, app);
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT EXECUTE ON ROUTINES TO %I', schema, app);

            IF NOT has_schema_privilege(app, schema, 'USAGE') THEN
                EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', schema, app);
            END IF;
            -- No DDL: CREATE on the schema is PostgreSQL 15's default for PUBLIC no more; take it back where an older
            -- server (or an operator) gave it, when this role owns the schema.
            IF has_schema_privilege(app, schema, 'CREATE')
               AND pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = schema), 'USAGE') THEN
                EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC, %I', schema, app);
            END IF;
            IF has_schema_privilege(app, schema, 'CREATE') THEN
                RAISE WARNING 'role % may still CREATE in schema % (granted by another role): revoke it', app, schema;
            END IF;
        END
        $grants$;
        """;

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The names in schema_migrations, read without DDL (empty when the table does not exist yet).</summary>
    private static async Task<HashSet<string>> AppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", conn))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
            {
                return names;
            }
        }

        await using var read = new NpgsqlCommand("SELECT name FROM schema_migrations", conn);
        await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// Refuses a server older than <see cref="PostgresVersion.MinimumMajor"/> before anything is applied, with an
    /// error naming its version (rather than a syntax error half-way through the migrations).
    /// </summary>
    public static async Task EnsureSupportedServerAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        await using var cmd = new NpgsqlCommand(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var versionNum = reader.GetInt32(0);
        var version = reader.GetString(1);
        PostgresVersion.EnsureSupported(versionNum, version, $"The database server at {conn.Host}:{conn.Port}");
    }
}
