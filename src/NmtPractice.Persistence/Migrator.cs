using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace NmtPractice.Persistence;

/// <summary>
/// Applies the embedded Migrations/*.sql scripts in ordinal file-name order, each in its own transaction under a
/// transaction-scoped advisory lock (so silos starting at once are safe), recording them in schema_migrations.
/// </summary>
public static class Migrator
{
    /// <summary>Advisory lock key shared by every migrator ("NMTMIGR1" as a big-endian int64).</summary>
    public const long AdvisoryLockKey = 0x4E4D_544D_4947_5231;

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

    public static async Task ApplyAsync(NpgsqlDataSource ds, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(logger);

        var migrations = LoadEmbedded();
        await using var conn = await ds.OpenConnectionAsync(ct).ConfigureAwait(false);
        await EnsureSupportedServerAsync(conn, ct).ConfigureAwait(false);
        var applied = 0;
        foreach (var migration in migrations)
        {
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
