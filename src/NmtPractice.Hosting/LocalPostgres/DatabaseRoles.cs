using Microsoft.Extensions.Logging;
using Npgsql;

namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>
/// The two roles NmtPractice runs as, set up by a superuser: the owner (owns the database and every object in it,
/// runs the migrations) and the application (logs in, reads and writes rows; the migrations grant it its rights).
/// Neither is a superuser, may create roles or databases, or replicate. The embedded server and the test fixture use
/// this; an operator of an external PostgreSQL runs the equivalent SQL once (docs/security.md).
/// </summary>
public static class DatabaseRoles
{
    /// <summary>The owner role's name when <c>Nmt:Database:OwnerRole</c> does not name another.</summary>
    public const string DefaultOwnerRole = "nmt_owner";

    /// <summary>
    /// Creates (or updates) the two login roles with the given passwords, creates <paramref name="database"/> owned by
    /// the owner when it is missing, and gives the owner the database and every object in its <c>public</c> schema that
    /// another role owns (a database created by an earlier version, where everything belonged to the superuser).
    /// Idempotent. <paramref name="adminConnectionString"/> is a superuser's, on any database of the server.
    /// </summary>
    public static async Task EnsureAsync(
        string adminConnectionString,
        string database,
        (string Name, string Password) owner,
        (string Name, string Password) app,
        ILogger logger,
        CancellationToken ct)
    {
        await EnsureRolesAsync(adminConnectionString, owner, app, logger, ct).ConfigureAwait(false);
        await EnsureDatabaseAsync(adminConnectionString, database, owner.Name, logger, ct).ConfigureAwait(false);
    }

    /// <summary>Creates (or updates: password, no special rights) the two login roles. Idempotent.</summary>
    public static async Task EnsureRolesAsync(
        string adminConnectionString,
        (string Name, string Password) owner,
        (string Name, string Password) app,
        ILogger logger,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adminConnectionString);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.Equals(owner.Name, app.Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The owner and the application role must differ (both are '{owner.Name}').", nameof(app));
        }

        var admin = new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await EnsureRoleAsync(conn, owner.Name, owner.Password, logger, ct).ConfigureAwait(false);
        await EnsureRoleAsync(conn, app.Name, app.Password, logger, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates <paramref name="database"/> owned by <paramref name="owner"/> when it is missing, or gives it to the owner,
    /// with every object of its public schema that another role owns. Idempotent.
    /// </summary>
    public static async Task EnsureDatabaseAsync(string adminConnectionString, string database, string owner, ILogger logger, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adminConnectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        ArgumentNullException.ThrowIfNull(logger);
        var admin = new NpgsqlConnectionStringBuilder(adminConnectionString) { Pooling = false };
        await using (var conn = new NpgsqlConnection(admin.ConnectionString))
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            await CreateOrGiveDatabaseAsync(conn, database, owner, logger, ct).ConfigureAwait(false);
        }

        admin.Database = database;
        await using (var conn = new NpgsqlConnection(admin.ConnectionString))
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            await using var adopt = new NpgsqlCommand(AdoptSql.Replace("@owner", QuoteLiteral(owner), StringComparison.Ordinal), conn);
            adopt.CommandTimeout = 0;
            await adopt.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection conn, string role, string password, ILogger logger, CancellationToken ct)
    {
        // ALTER/CREATE ROLE take no parameters; the name is a quoted identifier and the password a quoted literal.
        var attributes = $"LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {QuoteLiteral(password)}";
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", conn))
        {
            exists.Parameters.AddWithValue(role);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                try
                {
#pragma warning disable CA2100 // Quoted identifier and literal.
                    await using var create = new NpgsqlCommand($"CREATE ROLE {LocalPostgresCluster.QuoteIdentifier(role)} {attributes}", conn);
#pragma warning restore CA2100
                    await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    logger.LogInformation("Created the database role {Role}", role);
                    return;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
                {
                    // Created concurrently (another process on the same server): set its password below.
                }
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
#pragma warning disable CA2100 // Quoted identifier and literal.
                await using var alter = new NpgsqlCommand($"ALTER ROLE {LocalPostgresCluster.QuoteIdentifier(role)} {attributes}", conn);
#pragma warning restore CA2100
                await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InternalError && attempt < 5)
            {
                // "tuple concurrently updated": another process set the same role at the same moment.
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task CreateOrGiveDatabaseAsync(NpgsqlConnection conn, string database, string owner, ILogger logger, CancellationToken ct)
    {
        string? currentOwner;
        await using (var check = new NpgsqlCommand("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1", conn))
        {
            check.Parameters.AddWithValue(database);
            currentOwner = await check.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }

        if (currentOwner is null)
        {
            try
            {
#pragma warning disable CA2100 // Quoted identifiers.
                await using var create = new NpgsqlCommand(
                    $"CREATE DATABASE {LocalPostgresCluster.QuoteIdentifier(database)} OWNER {LocalPostgresCluster.QuoteIdentifier(owner)}", conn);
#pragma warning restore CA2100
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                logger.LogInformation("Created database {Database} owned by {Owner}", database, owner);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                currentOwner = "";
            }
        }

        if (!string.Equals(currentOwner, owner, StringComparison.Ordinal))
        {
#pragma warning disable CA2100 // Quoted identifiers.
            await using var alter = new NpgsqlCommand(
                $"ALTER DATABASE {LocalPostgresCluster.QuoteIdentifier(database)} OWNER TO {LocalPostgresCluster.QuoteIdentifier(owner)}", conn);
#pragma warning restore CA2100
            await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            logger.LogInformation("Gave database {Database} to {Owner} (it belonged to {Previous})", database, owner, currentOwner);
        }
    }

    /// <summary>
    /// Gives the owner every table, view, sequence and function of the public schema that another role owns, except
    /// extension members (btree_gist, pg_trgm stay the superuser's) and sequences that belong to a table's column
    /// (they move with their table).
    /// </summary>
    private const string AdoptSql = """
        DO $adopt$
        DECLARE
            owner     text := @owner;
            owner_oid oid  := (SELECT oid FROM pg_roles WHERE rolname = owner);
            r         record;
        BEGIN
            FOR r IN
                SELECT c.oid::regclass AS rel,
                       CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
                  FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace
                   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                   AND c.relowner <> owner_oid
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                      AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i')
                                                               AND d.refclassid = 'pg_class'::regclass)))
            LOOP
                EXECUTE format('ALTER %s %s OWNER TO %I', r.kind, r.rel, owner);
            END LOOP;

            FOR r IN
                SELECT p.oid::regprocedure AS fn
                  FROM pg_proc p
                 WHERE p.pronamespace = 'public'::regnamespace
                   AND p.proowner <> owner_oid
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            LOOP
                EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, owner);
            END LOOP;
        END
        $adopt$;
        """;

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
