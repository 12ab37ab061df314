using System.Data.Common;
using System.Text.Json;
using NmtPractice.Domain.Records;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence.Records;

/// <summary>
/// Client clinical records in PostgreSQL (migration 0005): intake, consents and versioned session notes. Every
/// change writes its audit row in the same transaction, so a change without its audit row cannot commit.
/// The client record grain is the single writer per client; the primary keys catch a second writer anyway.
/// </summary>
public sealed class ClientRecordStore(NpgsqlDataSource dataSource)
{
    private const string NoteColumns =
        "note_id, version, client_id, appointment_id, clinic_id, therapist_id, session_start, status, content::text, "
        + "created_at, updated_at, signed_by, signed_at, amended_from, amend_reason";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Intake?> GetIntakeAsync(string clientId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT client_id, health_history, contraindications, contraindication_notes, medications, updated_by, updated_at FROM client_intake WHERE client_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? new Intake(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), Text(reader, 3), Text(reader, 4), reader.GetString(5), ReadInstant(reader, 6))
            : null;
    }

    public Task SaveIntakeAsync(Intake intake, AuditEntry audit, CancellationToken ct = default) =>
        InTransaction(audit, async (connection, tx) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO client_intake (client_id, health_history, contraindications, contraindication_notes, medications, updated_by, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (client_id) DO UPDATE SET health_history = excluded.health_history, contraindications = excluded.contraindications,
                    contraindication_notes = excluded.contraindication_notes, medications = excluded.medications,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """, connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = intake.ClientId });
            command.Parameters.Add(new NpgsqlParameter { Value = intake.HealthHistory });
            command.Parameters.Add(new NpgsqlParameter { Value = intake.Contraindications.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(NullableText(intake.ContraindicationNotes));
            command.Parameters.Add(NullableText(intake.Medications));
            command.Parameters.Add(new NpgsqlParameter { Value = intake.UpdatedBy });
            command.Parameters.Add(new NpgsqlParameter { Value = intake.UpdatedAt.ToDateTimeUtc() });
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);

    public async Task<IReadOnlyList<Consent>> ListConsentsAsync(string clientId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT consent_id, client_id, kind, given_at, recorded_by, withdrawn_at, withdrawn_by FROM client_consents WHERE client_id = $1 ORDER BY given_at, consent_id");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        var list = new List<Consent>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new Consent(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), ReadInstant(reader, 3), reader.GetString(4),
                reader.IsDBNull(5) ? null : ReadInstant(reader, 5), Text(reader, 6)));
        }
        return list;
    }

    public Task AddConsentAsync(Consent consent, AuditEntry audit, CancellationToken ct = default) =>
        InTransaction(audit, async (connection, tx) =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO client_consents (consent_id, client_id, kind, given_at, recorded_by) VALUES ($1, $2, $3, $4, $5)", connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = consent.ConsentId });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.ClientId });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.Kind });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.GivenAt.ToDateTimeUtc() });
            command.Parameters.Add(new NpgsqlParameter { Value = consent.RecordedBy });
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>Marks an active consent withdrawn; false (and nothing written) when it is not an active consent of the client.</summary>
    public Task<bool> WithdrawConsentAsync(string clientId, Guid consentId, string by, Instant at, AuditEntry audit, CancellationToken ct = default) =>
        InTransaction(audit, async (connection, tx) =>
        {
            await using var command = new NpgsqlCommand(
                "UPDATE client_consents SET withdrawn_at = $3, withdrawn_by = $4 WHERE client_id = $1 AND consent_id = $2 AND withdrawn_at IS NULL", connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = clientId });
            command.Parameters.Add(new NpgsqlParameter { Value = consentId });
            command.Parameters.Add(new NpgsqlParameter { Value = at.ToDateTimeUtc() });
            command.Parameters.Add(new NpgsqlParameter { Value = by });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <summary>A version of a note of the client, or its latest version when <paramref name="version"/> is null.</summary>
    public async Task<SessionNote?> GetNoteAsync(string clientId, Guid noteId, int? version, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {NoteColumns} FROM session_notes WHERE client_id = $1 AND note_id = $2 AND ($3::int IS NULL OR version = $3) ORDER BY version DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = noteId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        var notes = await ReadNotesAsync(command, ct).ConfigureAwait(false);
        return notes.Count == 0 ? null : notes[0];
    }

    /// <summary>The latest version of every note of the client, by session start.</summary>
    public async Task<IReadOnlyList<SessionNote>> ListLatestNotesAsync(string clientId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT DISTINCT ON (note_id) {NoteColumns} FROM session_notes WHERE client_id = $1 ORDER BY note_id, version DESC");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        var notes = await ReadNotesAsync(command, ct).ConfigureAwait(false);
        return notes.OrderBy(n => n.SessionStart).ThenBy(n => n.NoteId).ToList();
    }

    /// <summary>The note of an appointment (its latest version), if one was written.</summary>
    public async Task<SessionNote?> FindNoteForAppointmentAsync(Guid appointmentId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {NoteColumns} FROM session_notes WHERE appointment_id = $1 ORDER BY version DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = appointmentId });
        var notes = await ReadNotesAsync(command, ct).ConfigureAwait(false);
        return notes.Count == 0 ? null : notes[0];
    }

    /// <summary>Inserts a new note version; false when that version (or a note of the appointment) exists already.</summary>
    public Task<bool> InsertNoteAsync(SessionNote note, AuditEntry audit, CancellationToken ct = default) =>
        InTransaction(audit, async (connection, tx) =>
        {
            await using var command = new NpgsqlCommand($"""
                INSERT INTO session_notes ({NoteColumns.Replace("content::text", "content", StringComparison.Ordinal)}, pain_before, pain_after)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17)
                ON CONFLICT DO NOTHING
                """, connection, tx);
            AddNoteParameters(command, note);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <summary>Replaces a draft version's content, or signs it; false when that version is not a draft any more.</summary>
    public Task<bool> UpdateDraftAsync(SessionNote note, AuditEntry audit, CancellationToken ct = default) =>
        InTransaction(audit, async (connection, tx) =>
        {
            await using var command = new NpgsqlCommand("""
                UPDATE session_notes SET status = $4, content = $5::jsonb, updated_at = $6, signed_by = $7, signed_at = $8,
                       pain_before = $9, pain_after = $10
                 WHERE note_id = $1 AND version = $2 AND client_id = $3 AND status = 'draft'
                """, connection, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = note.NoteId });
            command.Parameters.Add(new NpgsqlParameter { Value = note.Version });
            command.Parameters.Add(new NpgsqlParameter { Value = note.ClientId });
            command.Parameters.Add(new NpgsqlParameter { Value = note.Status == NoteStatus.Signed ? "signed" : "draft" });
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(note.Content, Json) });
            command.Parameters.Add(new NpgsqlParameter { Value = note.UpdatedAt.ToDateTimeUtc() });
            command.Parameters.Add(NullableText(note.SignedBy));
            command.Parameters.Add(new NpgsqlParameter { Value = note.SignedAt is { } at ? at.ToDateTimeUtc() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(Pain(note.Content.PainBefore));
            command.Parameters.Add(Pain(note.Content.PainAfter));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <summary>True when the ledger has an appointment (any status but cancelled) of the client with the therapist.</summary>
    public async Task<bool> HasAppointmentWithAsync(string clientId, string therapistId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM appointments WHERE client_id = $1 AND therapist_id = $2 AND status <> 'cancelled')");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = therapistId });
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    /// <summary>True when the ledger has an appointment (any status) of the client at one of the clinics.</summary>
    public async Task<bool> HasAppointmentAtAsync(string clientId, IReadOnlyList<string> clinicIds, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM appointments WHERE client_id = $1 AND clinic_id = ANY($2))");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = clinicIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    /// <summary>How many active (pending, booked, arrived) appointments of the client end after <paramref name="now"/>.</summary>
    public async Task<int> CountActiveFromAsync(string clientId, Instant now, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM appointments WHERE client_id = $1 AND status IN ('pending', 'booked', 'arrived') AND ends_at > $2 "
            + "AND NOT (status = 'pending' AND hold_expires_at <= $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc() });
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<bool> IsErasedAsync(string clientId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM erased_clients WHERE client_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = clientId });
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    /// <summary>
    /// Erases a client, in one transaction with its audit row: deletes the intake, consents, every version of every note
    /// and the directory row, re-keys the client's ledger rows to <paramref name="pseudonym"/> in one UPDATE (so their
    /// counts, minutes and statuses, and the number of distinct clients, stay as they were), and reserves the id.
    /// </summary>
    public Task<ErasureResult> EraseAsync(string clientId, string pseudonym, Instant now, AuditEntry audit, CancellationToken ct = default) =>
        InTransaction(audit, async (connection, tx) =>
        {
            async Task<int> Run(string sql, params object[] values)
            {
#pragma warning disable CA2100 // Fixed statements; values are parameters.
                await using var command = new NpgsqlCommand(sql, connection, tx);
#pragma warning restore CA2100
                foreach (var value in values)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var notes = await Run("DELETE FROM session_notes WHERE client_id = $1", clientId).ConfigureAwait(false);
            var consents = await Run("DELETE FROM client_consents WHERE client_id = $1", clientId).ConfigureAwait(false);
            var intake = await Run("DELETE FROM client_intake WHERE client_id = $1", clientId).ConfigureAwait(false);
            await Run("DELETE FROM client_directory WHERE client_id = $1", clientId).ConfigureAwait(false);
            var appointments = await Run(
                "UPDATE appointments SET client_id = $2, version = version + 1, updated_at = $3 WHERE client_id = $1",
                clientId, pseudonym, now.ToDateTimeUtc()).ConfigureAwait(false);
            await Run("INSERT INTO erased_clients (client_id, erased_at) VALUES ($1, $2) ON CONFLICT (client_id) DO NOTHING",
                clientId, now.ToDateTimeUtc()).ConfigureAwait(false);
            return new ErasureResult(pseudonym, notes, consents, intake > 0, appointments);
        }, ct);

    private async Task<T> InTransaction<T>(AuditEntry audit, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> change, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var result = await change(connection, tx).ConfigureAwait(false);
        // A change that did nothing (e.g. a version that exists already) is audited as refused by the caller instead.
        if (result is not false)
        {
            await AuditLog.InsertAsync(connection, tx, audit, ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }

    private static void AddNoteParameters(NpgsqlCommand command, SessionNote n)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = n.NoteId });
        command.Parameters.Add(new NpgsqlParameter { Value = n.Version });
        command.Parameters.Add(new NpgsqlParameter { Value = n.ClientId });
        command.Parameters.Add(new NpgsqlParameter { Value = n.AppointmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = n.ClinicId });
        command.Parameters.Add(new NpgsqlParameter { Value = n.TherapistId });
        command.Parameters.Add(new NpgsqlParameter { Value = n.SessionStart.ToDateTimeUtc() });
        command.Parameters.Add(new NpgsqlParameter { Value = n.Status == NoteStatus.Signed ? "signed" : "draft" });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(n.Content, Json) });
        command.Parameters.Add(new NpgsqlParameter { Value = n.CreatedAt.ToDateTimeUtc() });
        command.Parameters.Add(new NpgsqlParameter { Value = n.UpdatedAt.ToDateTimeUtc() });
        command.Parameters.Add(NullableText(n.SignedBy));
        command.Parameters.Add(new NpgsqlParameter { Value = n.SignedAt is { } at ? at.ToDateTimeUtc() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)n.AmendedFrom ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(NullableText(n.AmendReason));
        command.Parameters.Add(Pain(n.Content.PainBefore));
        command.Parameters.Add(Pain(n.Content.PainAfter));
    }

    private static async Task<List<SessionNote>> ReadNotesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<SessionNote>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new SessionNote(
                reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5),
                ReadInstant(reader, 6), reader.GetString(7) == "signed" ? NoteStatus.Signed : NoteStatus.Draft,
                JsonSerializer.Deserialize<NoteContent>(reader.GetString(8), Json) ?? throw new InvalidOperationException("A note without content."),
                ReadInstant(reader, 9), ReadInstant(reader, 10), Text(reader, 11), reader.IsDBNull(12) ? null : ReadInstant(reader, 12),
                reader.IsDBNull(13) ? null : reader.GetInt32(13), Text(reader, 14)));
        }
        return list;
    }

    private static NpgsqlParameter Pain(int? score) =>
        new() { Value = score is { } value ? (short)value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Smallint };

    private static NpgsqlParameter NullableText(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static Instant ReadInstant(DbDataReader reader, int ordinal) =>
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
