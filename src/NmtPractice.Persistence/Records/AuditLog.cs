using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence.Records;

/// <summary>
/// The append-only audit trail (table audit_log, migration 0006). Inserts only: the table refuses UPDATE, DELETE and
/// TRUNCATE. Record changes write their row in the change's own transaction (<see cref="InsertAsync(NpgsqlConnection, NpgsqlTransaction, AuditEntry, CancellationToken)"/>).
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public const int MaxPage = 500;

    private const string InsertSql = """
        INSERT INTO audit_log (actor_subject, actor_role, clinic_id, action, target_kind, target_id, client_id, appointment_id, source, outcome, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
        """;

    public async Task AppendAsync(AuditEntry entry, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        AddParameters(command, entry);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Appends several rows in one statement (in list order).</summary>
    public async Task AppendManyAsync(IReadOnlyList<AuditEntry> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO audit_log ({Columns})
            SELECT s, r, c, a, k, t, cl, ap, so, o, d::jsonb
              FROM {Unnest(1)}
             ORDER BY n
            """);
        AddArrayParameters(command, entries);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private const string Columns = "actor_subject, actor_role, clinic_id, action, target_kind, target_id, client_id, appointment_id, source, outcome, detail";

    /// <summary>The audit entries given as the eleven array parameters from <c>$first</c> on, one row each, numbered by <c>n</c> from 1.</summary>
    private static string Unnest(int first)
    {
        var p = Enumerable.Range(first, 11).Select(i => "$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return $"unnest({p[0]}::text[], {p[1]}::text[], {p[2]}::text[], {p[3]}::text[], {p[4]}::text[], {p[5]}::text[], {p[6]}::text[], "
            + $"{p[7]}::uuid[], {p[8]}::text[], {p[9]}::text[], {p[10]}::text[]) WITH ORDINALITY AS x(s, r, c, a, k, t, cl, ap, so, o, d, n)";
    }

    /// <summary>
    /// One statement that calls a ledger function returning <c>(r_ord, r_outcome, ...)</c> and appends, in the same
    /// statement (so the same transaction), the audit entry of each item whose outcome is <c>inserted</c>; entries are
    /// the eleven array parameters from <c>$firstParameter</c> on (<see cref="AddArrayParameters"/>), a null actor
    /// meaning "no row". Returns the function's rows by r_ord.
    /// </summary>
    public static string WithInsertedAudits(string ledgerCall, int firstParameter) => $"""
        WITH written AS MATERIALIZED (SELECT * FROM {ledgerCall}),
        audited AS (
            INSERT INTO audit_log ({Columns})
            SELECT x.s, x.r, x.c, x.a, x.k, x.t, x.cl, x.ap, x.so, x.o, x.d::jsonb
              FROM {Unnest(firstParameter)}
              JOIN written w ON w.r_ord = x.n AND w.r_outcome = 'inserted'
             WHERE x.s IS NOT NULL
             ORDER BY x.n)
        SELECT * FROM written ORDER BY r_ord
        """;

    /// <summary>The eleven array parameters of <paramref name="entries"/> (a null entry: all nulls), in column order.</summary>
    public static void AddArrayParameters(NpgsqlCommand command, IReadOnlyList<AuditEntry?> entries)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(entries);
        void Text(Func<AuditEntry, string?> pick) =>
            command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e is null ? null : pick(e)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        Text(e => e.ActorSubject);
        Text(e => e.ActorRole);
        Text(e => e.ClinicId);
        Text(e => e.Action);
        Text(e => e.TargetKind);
        Text(e => e.TargetId);
        Text(e => e.ClientId);
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e?.AppointmentId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        Text(e => e.Source);
        Text(e => e.Outcome);
        Text(e => e.Detail);
    }

    /// <summary>Writes <paramref name="entry"/> inside the caller's transaction (the audited change's own).</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEntry entry, CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        AddParameters(command, entry);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRow>> QueryAsync(AuditQuery query, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new List<string>();
        await using var command = dataSource.CreateCommand();
        void Add(string condition, object value, NpgsqlDbType? type = null)
        {
            var parameter = new NpgsqlParameter { Value = value };
            if (type is { } t)
            {
                parameter.NpgsqlDbType = t;
            }
            command.Parameters.Add(parameter);
            conditions.Add(condition.Replace("@", "$" + command.Parameters.Count, StringComparison.Ordinal));
        }
        if (query.ClientId is not null)
        {
            Add("client_id = @", query.ClientId);
        }
        if (query.ActorSubject is not null)
        {
            Add("actor_subject = @", query.ActorSubject);
        }
        if (query.ClinicId is not null)
        {
            Add("clinic_id = @", query.ClinicId);
        }
        if (query.Action is not null)
        {
            Add("action = @", query.Action);
        }
        if (query.From is { } from)
        {
            Add("at >= @", from.ToDateTimeUtc());
        }
        if (query.To is { } to)
        {
            Add("at < @", to.ToDateTimeUtc());
        }
        if (query.AfterId is { } after)
        {
            Add("id > @", after);
        }
        if (query.ClinicScope is { } scope)
        {
            Add("clinic_id = ANY(@)", scope.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        }
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
#pragma warning disable CA2100 // Conditions are ours; values are parameters.
        command.CommandText = $"""
            SELECT id, at, actor_subject, actor_role, clinic_id, action, target_kind, target_id, client_id, appointment_id, source, outcome, detail::text
              FROM audit_log {where} ORDER BY id LIMIT {Math.Clamp(limit, 1, MaxPage)}
            """;
#pragma warning restore CA2100
        var rows = new List<AuditRow>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new AuditRow(
                reader.GetInt64(0),
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                new AuditEntry(
                    reader.GetString(2), reader.GetString(3), NullableText(reader, 4), reader.GetString(5), reader.GetString(6),
                    NullableText(reader, 7), NullableText(reader, 8), reader.IsDBNull(9) ? null : reader.GetGuid(9),
                    NullableText(reader, 10), reader.GetString(11), NullableText(reader, 12))));
        }
        return rows;
    }

    private static string? NullableText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static void AddParameters(NpgsqlCommand command, AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        object Value(object? v) => v ?? DBNull.Value;
        command.Parameters.Add(new NpgsqlParameter { Value = e.ActorSubject });
        command.Parameters.Add(new NpgsqlParameter { Value = e.ActorRole });
        command.Parameters.Add(new NpgsqlParameter { Value = Value(e.ClinicId), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Action });
        command.Parameters.Add(new NpgsqlParameter { Value = e.TargetKind });
        command.Parameters.Add(new NpgsqlParameter { Value = Value(e.TargetId), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = Value(e.ClientId), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = Value(e.AppointmentId), NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = Value(e.Source), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = e.Outcome });
        command.Parameters.Add(new NpgsqlParameter { Value = Value(e.Detail), NpgsqlDbType = NpgsqlDbType.Text });
    }
}
