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
        await using var command = dataSource.CreateCommand("""
            INSERT INTO audit_log (actor_subject, actor_role, clinic_id, action, target_kind, target_id, client_id, appointment_id, source, outcome, detail)
            SELECT s, r, c, a, k, t, cl, ap, so, o, d::jsonb
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::text[], $10::text[], $11::text[])
                   WITH ORDINALITY AS x(s, r, c, a, k, t, cl, ap, so, o, d, n)
             ORDER BY n
            """);
        void Text(Func<AuditEntry, string?> pick) =>
            command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(pick).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        Text(e => e.ActorSubject);
        Text(e => e.ActorRole);
        Text(e => e.ClinicId);
        Text(e => e.Action);
        Text(e => e.TargetKind);
        Text(e => e.TargetId);
        Text(e => e.ClientId);
        command.Parameters.Add(new NpgsqlParameter { Value = entries.Select(e => e.AppointmentId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        Text(e => e.Source);
        Text(e => e.Outcome);
        Text(e => e.Detail);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
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
