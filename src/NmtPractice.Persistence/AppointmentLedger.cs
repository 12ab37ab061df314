using NmtPractice.Domain.Appointments;
using NmtPractice.Persistence.Records;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>
/// The appointments ledger, the system's commit point: its exclusion constraints make overlapping active
/// appointments per therapist, room (with turnover) and client impossible; the unique request id makes retries idempotent.
/// </summary>
public sealed class AppointmentLedger(NpgsqlDataSource dataSource)
{
    private const string ActiveStatuses = "('pending', 'booked', 'arrived')";

    private const int MaxTransientRetries = 5;

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    /// <summary>
    /// Inserts one appointment atomically: expired holds overlapping it are cancelled first ('hold-expired'), so they never block.
    /// Duplicate request id: kind Duplicate with the first row. Overlap: kind Conflict with the resource.
    /// </summary>
    public async Task<LedgerWriteResult> InsertAsync(NewAppointment a, Instant now, CancellationToken ct = default)
    {
        var results = await InsertManyAsync([a], now, ct).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Group commit: one round trip and one transaction for the whole batch; each item's outcome is independent
    /// (a subtransaction per row), returned in input order. Items conflicting with earlier items of the same batch lose.
    /// A deadlock or serialization failure rolls the whole batch back; it is then retried (idempotent by request id).
    /// </summary>
    public Task<IReadOnlyList<LedgerWriteResult>> InsertManyAsync(IReadOnlyList<NewAppointment> items, Instant now, CancellationToken ct = default) =>
        InsertManyAsync(items, null, now, ct);

    /// <summary>
    /// As <see cref="InsertManyAsync(IReadOnlyList{NewAppointment}, Instant, CancellationToken)"/>, and writes
    /// <paramref name="audits"/>[i] (when not null) in the same statement, so in the same transaction, for each item
    /// that is inserted: an acknowledged booking always has its audit row, a failed write has neither.
    /// </summary>
    public async Task<IReadOnlyList<LedgerWriteResult>> InsertManyAsync(
        IReadOnlyList<NewAppointment> items, IReadOnlyList<AuditEntry?>? audits, Instant now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (audits is not null && audits.Count != items.Count)
        {
            throw new ArgumentException("One audit entry (or null) per item.", nameof(audits));
        }
        if (items.Count == 0)
        {
            return [];
        }

        var n = items.Count;
        var ids = new Guid[n];
        var requestIds = new string[n];
        var clinics = new string[n];
        var therapists = new string[n];
        var rooms = new string[n];
        var clients = new string[n];
        var services = new string[n];
        var starts = new DateTime[n];
        var ends = new DateTime[n];
        var roomFree = new DateTime[n];
        var statuses = new string[n];
        var holds = new DateTime?[n];
        for (var i = 0; i < n; i++)
        {
            var a = items[i];
            Validate(a, i);
            ids[i] = a.Id;
            requestIds[i] = a.RequestId;
            clinics[i] = a.ClinicId;
            therapists[i] = a.TherapistId;
            rooms[i] = a.RoomId;
            clients[i] = a.ClientId;
            services[i] = a.ServiceId;
            starts[i] = a.Start.ToDateTimeUtc();
            ends[i] = a.End.ToDateTimeUtc();
            roomFree[i] = a.RoomFreeAt.ToDateTimeUtc();
            statuses[i] = a.Status.ToFhir();
            holds[i] = a.Status == AppointmentStatus.Pending ? a.HoldExpiresAt!.Value.ToDateTimeUtc() : null;
        }

        return await WithTransientRetryAsync(
            async () =>
            {
                await using var cmd = _dataSource.CreateCommand(audits is null
                    ? "SELECT * FROM ledger_insert_many($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ORDER BY r_ord"
                    : AuditLog.WithInsertedAudits("ledger_insert_many($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", 14));
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                AddTextArray(cmd, requestIds);
                AddTextArray(cmd, clinics);
                AddTextArray(cmd, therapists);
                AddTextArray(cmd, rooms);
                AddTextArray(cmd, clients);
                AddTextArray(cmd, services);
                AddTimestampArray(cmd, starts);
                AddTimestampArray(cmd, ends);
                AddTimestampArray(cmd, roomFree);
                AddTextArray(cmd, statuses);
                cmd.Parameters.Add(new NpgsqlParameter { Value = holds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
                if (audits is not null)
                {
                    AuditLog.AddArrayParameters(cmd, audits);
                }

                var results = new List<LedgerWriteResult>(n);
                await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var outcome = reader.GetString(1);
                    results.Add(outcome switch
                    {
                        "inserted" => new LedgerWriteResult(LedgerWriteKind.Inserted, AppointmentColumns.Read(reader, 4)),
                        "duplicate" => new LedgerWriteResult(LedgerWriteKind.Duplicate, reader.IsDBNull(4) ? null : AppointmentColumns.Read(reader, 4)),
                        "conflict" => ConflictAt(reader, 2, null),
                        _ => throw UnknownOutcome(outcome),
                    });
                }

                if (results.Count != n)
                {
                    throw new InvalidOperationException($"ledger_insert_many returned {results.Count} rows for {n} items.");
                }

                return (IReadOnlyList<LedgerWriteResult>)results;
            },
            ct).ConfigureAwait(false);
    }

    public async Task<AppointmentRecord?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT {AppointmentColumns.List} FROM appointments WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return await ReadSingleAsync(cmd, ct).ConfigureAwait(false);
    }

    public async Task<AppointmentRecord?> GetByRequestIdAsync(string requestId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        await using var cmd = _dataSource.CreateCommand($"SELECT {AppointmentColumns.List} FROM appointments WHERE request_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = requestId });
        return await ReadSingleAsync(cmd, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes the status with optimistic concurrency (version must equal <paramref name="expectedVersion"/>; version+1).
    /// Allowed: the changes of <see cref="AppointmentLifecycle.AllowedFrom"/> (pending-&gt;booked/arrived only while the hold
    /// is unexpired, clearing hold_expires_at). Anything else: InvalidTransition.
    /// <paramref name="cancelReason"/> and <paramref name="cancelledLate"/> are stored when the new status is Cancelled.
    /// With a request id (<paramref name="request"/>): the request is recorded in the same transaction as the change, so a retry (even after a crash
    /// between the commit and the answer) gets Replayed with the row as this change left it and never changes anything
    /// twice; the same id with another fingerprint gets RequestIdReused. A null <paramref name="request"/> is the plain change.
    /// <paramref name="audit"/> (when not null) is inserted in the same transaction when the change is applied, so an
    /// applied change always has its audit row and a failed audit insert leaves the row unchanged (the call throws);
    /// a replay or a refusal writes none.
    /// </summary>
    public async Task<LedgerWriteResult> UpdateStatusAsync(
        Guid id,
        int expectedVersion,
        AppointmentStatus newStatus,
        string? cancelReason,
        bool cancelledLate,
        Instant now,
        LedgerRequest? request = null,
        AuditEntry? audit = null,
        CancellationToken ct = default)
    {
        var allowedFrom = AllowedFrom(newStatus);
        var newName = newStatus.ToFhir();
        var cancelling = newStatus == AppointmentStatus.Cancelled;

        var written = await WithTransientRetryAsync(
            async () =>
            {
                await using var conn = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var tx = request is null && audit is null ? null : await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                if (request is not null && await ClaimRequestAsync(conn, tx, request, ct).ConfigureAwait(false) is { } earlier)
                {
                    return earlier;
                }

                await using var cmd = new NpgsqlCommand(
                    $"""
                    UPDATE appointments
                       SET status = $3,
                           version = version + 1,
                           updated_at = $4,
                           hold_expires_at = CASE WHEN $3 IN ('booked', 'arrived') THEN NULL ELSE hold_expires_at END,
                           cancel_reason = CASE WHEN $6 THEN $7 ELSE cancel_reason END,
                           cancelled_late = CASE WHEN $6 THEN $8 ELSE cancelled_late END
                     WHERE id = $1 AND version = $2 AND status = ANY($5)
                       AND (status <> 'pending' OR $3 = 'cancelled' OR hold_expires_at > $4)
                    RETURNING {AppointmentColumns.List}
                    """,
                    conn,
                    tx);
                cmd.Parameters.Add(new NpgsqlParameter { Value = id });
                cmd.Parameters.Add(new NpgsqlParameter { Value = expectedVersion });
                cmd.Parameters.Add(new NpgsqlParameter { Value = newName, NpgsqlDbType = NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = allowedFrom, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = cancelling });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)cancelReason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = cancelledLate });

                try
                {
                    if (await ReadSingleAsync(cmd, ct).ConfigureAwait(false) is not { } updated)
                    {
                        return null;
                    }
                    await CompleteAsync(conn, tx, request, audit, id, now, ct).ConfigureAwait(false);
                    return new LedgerWriteResult(LedgerWriteKind.Updated, updated);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
                {
                    // Only reachable by re-activating a row (not allowed above), kept for safety.
                    return new LedgerWriteResult(LedgerWriteKind.Conflict, await GetAsync(id, ct).ConfigureAwait(false), LedgerWriteResult.ResourceFromConstraint(e.ConstraintName));
                }
            },
            ct).ConfigureAwait(false);
        if (written is not null)
        {
            return written;
        }

        var current = await GetAsync(id, ct).ConfigureAwait(false);
        if (current is null)
        {
            return new LedgerWriteResult(LedgerWriteKind.NotFound, null);
        }

        return current.Version != expectedVersion
            ? new LedgerWriteResult(LedgerWriteKind.StaleVersion, current)
            : new LedgerWriteResult(LedgerWriteKind.InvalidTransition, current);
    }

    /// <summary>
    /// What the ledger remembers of <paramref name="request"/>'s id, without waiting for a transition in flight:
    /// Replayed (with the first answer) when the same request was applied, RequestIdReused when the id was used for
    /// another request, null when the id is new. A cheap look before the rules are checked again on a retry.
    /// </summary>
    public async Task<LedgerWriteResult?> FindRequestAsync(LedgerRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var conn = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ReadRequestAsync(conn, null, request, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Inside the transition's transaction: waits for any other transaction of the same request id (an advisory lock on
    /// it), then answers as <see cref="FindRequestAsync"/>. Null: the id is new and this transaction may use it.
    /// </summary>
    private static async Task<LedgerWriteResult?> ClaimRequestAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, LedgerRequest request, CancellationToken ct)
    {
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(74010, hashtext($1))", conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = request.RequestId, NpgsqlDbType = NpgsqlDbType.Text });
            await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        return await ReadRequestAsync(conn, tx, request, ct).ConfigureAwait(false);
    }

    private static readonly string RequestResultColumns = string.Join(", ", AppointmentColumns.List.Split(", ").Select(c => "x." + c));

    private static async Task<LedgerWriteResult?> ReadRequestAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, LedgerRequest request, CancellationToken ct)
    {
#pragma warning disable CA2100 // Fixed SQL; values are parameters.
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT q.fingerprint, {RequestResultColumns}
              FROM appointment_requests q
             CROSS JOIN LATERAL jsonb_populate_record(NULL::appointments, q.result) x
             WHERE q.request_id = $1
            """,
            conn,
            tx);
#pragma warning restore CA2100
        cmd.Parameters.Add(new NpgsqlParameter { Value = request.RequestId, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        return request.SameFingerprint(reader.GetFieldValue<byte[]>(0))
            ? new LedgerWriteResult(LedgerWriteKind.Replayed, AppointmentColumns.Read(reader, 1))
            : new LedgerWriteResult(LedgerWriteKind.RequestIdReused, null);
    }

    /// <summary>Records the request with the row as the transition left it (its first answer), in the transition's transaction.</summary>
    private static async Task RecordRequestAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, LedgerRequest request, Guid id, Instant now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO appointment_requests (request_id, appointment_id, operation, fingerprint, created_at, result)
            SELECT $1, a.id, $2, $3, $4, to_jsonb(a) FROM appointments a WHERE a.id = $5
            """,
            conn,
            tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = request.RequestId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = request.Operation, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = request.Fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// After an applied transition, in its transaction (null when there is neither a request nor an audit entry):
    /// records the request, inserts the audit row, commits.
    /// </summary>
    private static async Task CompleteAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, LedgerRequest? request, AuditEntry? audit, Guid id, Instant now, CancellationToken ct)
    {
        if (tx is null)
        {
            return;
        }
        if (request is not null)
        {
            await RecordRequestAsync(conn, tx, request, id, now, ct).ConfigureAwait(false);
        }
        if (audit is not null)
        {
            await AuditLog.InsertAsync(conn, tx, audit, ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deletes remembered transition requests older than <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PruneRequestsAsync(Instant before, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("DELETE FROM appointment_requests WHERE created_at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = before.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Atomic reschedule of a pending (unexpired) or booked appointment to another therapist, room and time in the same clinic.
    /// Expired holds overlapping the new slot are cancelled first. Conflict leaves the row unchanged. <paramref name="request"/>
    /// and <paramref name="audit"/> are recorded as <see cref="UpdateStatusAsync"/> records them.
    /// </summary>
    public Task<LedgerWriteResult> MoveAsync(
        Guid id,
        int expectedVersion,
        string therapistId,
        string roomId,
        Instant start,
        Instant end,
        Instant roomFreeAt,
        Instant now,
        LedgerRequest? request = null,
        AuditEntry? audit = null,
        CancellationToken ct = default) =>
        WriteMoveAsync(id, expectedVersion, clinicId: null, therapistId, roomId, start, end, roomFreeAt, now, request, audit, ct);

    /// <summary>
    /// Atomic move of a pending (unexpired) or booked appointment to another clinic, with its therapist, room and times
    /// (cover at a nearby clinic). Locks the old and new resources like <see cref="MoveAsync"/>; the same outcomes, and
    /// <paramref name="request"/> and <paramref name="audit"/> recorded as <see cref="UpdateStatusAsync"/> records them.
    /// </summary>
    public Task<LedgerWriteResult> ReassignAsync(
        Guid id,
        int expectedVersion,
        string clinicId,
        string therapistId,
        string roomId,
        Instant start,
        Instant end,
        Instant roomFreeAt,
        Instant now,
        LedgerRequest? request = null,
        AuditEntry? audit = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clinicId);
        return WriteMoveAsync(id, expectedVersion, clinicId, therapistId, roomId, start, end, roomFreeAt, now, request, audit, ct);
    }

    /// <summary>ledger_reassign; a null <paramref name="clinicId"/> keeps the clinic (a move).</summary>
    private async Task<LedgerWriteResult> WriteMoveAsync(
        Guid id,
        int expectedVersion,
        string? clinicId,
        string therapistId,
        string roomId,
        Instant start,
        Instant end,
        Instant roomFreeAt,
        Instant now,
        LedgerRequest? request,
        AuditEntry? audit,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(therapistId);
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ValidateTimes(start, end, roomFreeAt, nameof(start));

        return await WithTransientRetryAsync(
            async () =>
            {
                await using var conn = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var tx = request is null && audit is null ? null : await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
                if (request is not null && await ClaimRequestAsync(conn, tx, request, ct).ConfigureAwait(false) is { } earlier)
                {
                    return earlier;
                }

                await using var cmd = new NpgsqlCommand("SELECT * FROM ledger_reassign($1, $2, $3, $4, $5, $6, $7, $8, $9)", conn, tx);
                cmd.Parameters.Add(new NpgsqlParameter { Value = id });
                cmd.Parameters.Add(new NpgsqlParameter { Value = expectedVersion });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)clinicId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = therapistId, NpgsqlDbType = NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = roomId, NpgsqlDbType = NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = start.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = end.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = roomFreeAt.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                var outcome = await ReadMoveOutcomeAsync(cmd, ct).ConfigureAwait(false);
                if (outcome.Kind == LedgerWriteKind.Updated)
                {
                    await CompleteAsync(conn, tx, request, audit, id, now, ct).ConfigureAwait(false);
                }
                return outcome;
            },
            ct).ConfigureAwait(false);
    }

    /// <summary>Reads the one row of ledger_reassign.</summary>
    private static async Task<LedgerWriteResult> ReadMoveOutcomeAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return new LedgerWriteResult(LedgerWriteKind.NotFound, null);
        }

        var outcome = reader.GetString(0);
        var record = reader.IsDBNull(3) ? null : AppointmentColumns.Read(reader, 3);
        return outcome switch
        {
            "moved" => new LedgerWriteResult(LedgerWriteKind.Updated, record),
            "notfound" => new LedgerWriteResult(LedgerWriteKind.NotFound, null),
            "stale" => new LedgerWriteResult(LedgerWriteKind.StaleVersion, record),
            "invalid" => new LedgerWriteResult(LedgerWriteKind.InvalidTransition, record),
            "conflict" => ConflictAt(reader, 1, record),
            _ => throw UnknownOutcome(outcome),
        };
    }

    /// <summary>
    /// A ledger function's conflict row: the violated constraint's name at <paramref name="ordinal"/>, the overlapping
    /// row's id in the column after it.
    /// </summary>
    private static LedgerWriteResult ConflictAt(NpgsqlDataReader reader, int ordinal, AppointmentRecord? record) => new(
        LedgerWriteKind.Conflict,
        record,
        LedgerWriteResult.ResourceFromConstraint(reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal)),
        reader.IsDBNull(ordinal + 1) ? null : reader.GetGuid(ordinal + 1));

    private static InvalidOperationException UnknownOutcome(string outcome) => new($"Unknown ledger outcome '{outcome}'.");

    /// <summary>Cancels every expired hold ('hold-expired'); returns how many. For a periodic sweeper.</summary>
    public async Task<int> ExpireHoldsAsync(Instant now, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT ledger_expire_holds($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return (int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Active (pending/booked/arrived) appointments whose room occupancy [start, roomFreeAt) overlaps [from, to), by start.
    /// Expired holds not yet cancelled are included: filter with <see cref="AppointmentRecord.OccupiesAt"/>.
    /// </summary>
    public Task<IReadOnlyList<AppointmentRecord>> ListOccupyingForClinicAsync(string clinicId, Instant from, Instant to, CancellationToken ct = default) =>
        ListAsync(OccupancyWhere(OccupancyResource.Clinic, "$1", "$2", "$3"), clinicId, from, to, ct);

    /// <summary>Active appointments whose treatment [start, end) overlaps [from, to), by start. Expired holds included (see <see cref="AppointmentRecord.OccupiesAt"/>).</summary>
    public Task<IReadOnlyList<AppointmentRecord>> ListOccupyingForTherapistAsync(string therapistId, Instant from, Instant to, CancellationToken ct = default) =>
        ListAsync(OccupancyWhere(OccupancyResource.Therapist, "$1", "$2", "$3"), therapistId, from, to, ct);

    /// <summary>Active appointments whose treatment [start, end) overlaps [from, to), by start. Expired holds included (see <see cref="AppointmentRecord.OccupiesAt"/>).</summary>
    public Task<IReadOnlyList<AppointmentRecord>> ListOccupyingForClientAsync(string clientId, Instant from, Instant to, CancellationToken ct = default) =>
        ListAsync(OccupancyWhere(OccupancyResource.Client, "$1", "$2", "$3"), clientId, from, to, ct);

    /// <summary>
    /// Many calendars' reads in one round trip: one statement per kind of resource present (a lateral join over the
    /// keys and windows, each using its exclusion constraint's gist index), sent as one batch. The answer holds one list
    /// per query, in input order, each as <see cref="ListOccupyingForClinicAsync"/> and its siblings would return it.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<AppointmentRecord>>> ListOccupyingManyAsync(IReadOnlyList<OccupancyQuery> queries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var results = new List<AppointmentRecord>[queries.Count];
        for (var i = 0; i < results.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(queries[i].Key);
            results[i] = [];
        }
        if (queries.Count == 0)
        {
            return results;
        }
        var groups = Enumerable.Range(0, queries.Count).GroupBy(i => queries[i].Resource).ToList();
        await using var batch = _dataSource.CreateBatch();
        foreach (var group in groups)
        {
#pragma warning disable CA2100 // Fixed SQL fragments; values are parameters.
            var command = new NpgsqlBatchCommand(
                $"SELECT q.ord, a.* FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS q(key, lo, hi, ord) "
                + $"CROSS JOIN LATERAL (SELECT {AppointmentColumns.List} FROM appointments "
                + $"WHERE {OccupancyWhere(group.Key, "q.key", "q.lo", "q.hi")}) a ORDER BY q.ord, a.starts_at, a.id");
#pragma warning restore CA2100
            command.Parameters.Add(new NpgsqlParameter { Value = group.Select(i => queries[i].Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = group.Select(i => queries[i].From.ToDateTimeUtc()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = group.Select(i => queries[i].To.ToDateTimeUtc()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        foreach (var group in groups)
        {
            var indexes = group.ToList();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                results[indexes[(int)reader.GetInt64(0) - 1]].Add(AppointmentColumns.Read(reader, 1));
            }
            await reader.NextResultAsync(ct).ConfigureAwait(false);
        }
        return results;
    }

    /// <summary>The active appointments of one therapist, clinic (rooms, with turnover) or client occupying [from, to).</summary>
    private static string OccupancyWhere(OccupancyResource resource, string key, string from, string to) => resource switch
    {
        OccupancyResource.Therapist => $"therapist_id = {key} AND status IN {ActiveStatuses} AND tstzrange(starts_at, ends_at) && tstzrange({from}, {to})",
        OccupancyResource.Clinic => $"clinic_id = {key} AND status IN {ActiveStatuses} AND tstzrange(starts_at, room_free_at) && tstzrange({from}, {to})",
        OccupancyResource.Client => $"client_id = {key} AND status IN {ActiveStatuses} AND tstzrange(starts_at, ends_at) && tstzrange({from}, {to})",
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>Appointments of every status starting in [from, to), by start.</summary>
    public Task<IReadOnlyList<AppointmentRecord>> ListForClinicAsync(string clinicId, Instant from, Instant to, CancellationToken ct = default) =>
        ListAsync("clinic_id = $1 AND starts_at >= $2 AND starts_at < $3", clinicId, from, to, ct);

    /// <summary>Appointments of every status starting in [from, to), by start.</summary>
    public Task<IReadOnlyList<AppointmentRecord>> ListForTherapistAsync(string therapistId, Instant from, Instant to, CancellationToken ct = default) =>
        ListAsync("therapist_id = $1 AND starts_at >= $2 AND starts_at < $3", therapistId, from, to, ct);

    /// <summary>Appointments of every status starting in [from, to), by start.</summary>
    public Task<IReadOnlyList<AppointmentRecord>> ListForClientAsync(string clientId, Instant from, Instant to, CancellationToken ct = default) =>
        ListAsync("client_id = $1 AND starts_at >= $2 AND starts_at < $3", clientId, from, to, ct);

    private async Task<IReadOnlyList<AppointmentRecord>> ListAsync(string where, string key, Instant from, Instant to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
#pragma warning disable CA2100 // Fixed SQL fragments; values are parameters.
        await using var cmd = _dataSource.CreateCommand($"SELECT {AppointmentColumns.List} FROM appointments WHERE {where} ORDER BY starts_at, id");
#pragma warning restore CA2100
        cmd.Parameters.Add(new NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var list = new List<AppointmentRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(AppointmentColumns.Read(reader, 0));
        }

        return list;
    }

    private static async Task<AppointmentRecord?> ReadSingleAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? AppointmentColumns.Read(reader, 0) : null;
    }

    /// <summary>The ledger names of the statuses that may change to <paramref name="newStatus"/> (<see cref="AppointmentLifecycle.AllowedFrom"/>).</summary>
    private static string[] AllowedFrom(AppointmentStatus newStatus) =>
        AppointmentLifecycle.AllowedFrom.TryGetValue(newStatus, out var from) ? [.. from.Select(s => s.ToFhir())] : [];

    private static void AddTextArray(NpgsqlCommand cmd, string[] values) =>
        cmd.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

    private static void AddTimestampArray(NpgsqlCommand cmd, DateTime[] values) =>
        cmd.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });

    private static void Validate(NewAppointment a, int index)
    {
        ArgumentNullException.ThrowIfNull(a);
        var name = $"items[{index}]";
        if (string.IsNullOrEmpty(a.RequestId) || string.IsNullOrEmpty(a.ClinicId) || string.IsNullOrEmpty(a.TherapistId)
            || string.IsNullOrEmpty(a.RoomId) || string.IsNullOrEmpty(a.ClientId) || string.IsNullOrEmpty(a.ServiceId))
        {
            throw new ArgumentException("RequestId, ClinicId, TherapistId, RoomId, ClientId and ServiceId are required.", name);
        }

        if (a.Status is not (AppointmentStatus.Pending or AppointmentStatus.Booked))
        {
            throw new ArgumentException($"A new appointment is Pending or Booked, not {a.Status}.", name);
        }

        if (a.Status == AppointmentStatus.Pending && a.HoldExpiresAt is null)
        {
            throw new ArgumentException("A Pending appointment (a hold) needs HoldExpiresAt.", name);
        }

        ValidateTimes(a.Start, a.End, a.RoomFreeAt, name);
    }

    private static void ValidateTimes(Instant start, Instant end, Instant roomFreeAt, string name)
    {
        if (!(start < end && end <= roomFreeAt))
        {
            throw new ArgumentException($"Times must satisfy Start < End <= RoomFreeAt (got {start}, {end}, {roomFreeAt}).", name);
        }
    }

    private static async Task<T> WithTransientRetryAsync<T>(Func<Task<T>> action, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (PostgresException e) when (attempt < MaxTransientRetries
                && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct).ConfigureAwait(false);
            }
        }
    }
}
