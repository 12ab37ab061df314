using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace NmtPractice.Benchmarks;

/// <summary>The outcome of one attempt: booked, or refused with a short reason code.</summary>
public readonly record struct AttemptOutcome(bool Booked, string? Refusal)
{
    public static readonly AttemptOutcome Ok = new(true, null);

    public static AttemptOutcome Refused(string reason) => new(false, reason);
}

/// <summary>
/// How a variant books. One driver per configuration (variant x workload x concurrency x run); <see cref="BookAsync"/>
/// is called by <c>caller</c> 0..concurrency-1, each caller sequentially. A gRPC variant implements this over a
/// channel to the gateway and is registered in <see cref="DriverFactory"/>.
/// </summary>
public interface IBookingDriver : IAsyncDisposable
{
    Task<AttemptOutcome> BookAsync(int caller, BookingAttempt attempt, CancellationToken ct);
}

/// <summary>Plain SQL: one INSERT per booking into the same table, the exclusion constraints refuse overlaps.</summary>
public sealed class SqlDriver : IBookingDriver
{
    private const string Insert =
        "INSERT INTO appointments (id, request_id, clinic_id, therapist_id, room_id, client_id, service_id, starts_at, ends_at, "
        + "room_free_at, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'booked', $11, $11)";

    private readonly Connection[] _connections;

    private sealed class Connection(NpgsqlConnection conn, NpgsqlCommand insert)
    {
        public NpgsqlConnection Conn { get; } = conn;
        public NpgsqlCommand Insert { get; } = insert;
    }

    private SqlDriver(Connection[] connections) => _connections = connections;

    public static async Task<SqlDriver> CreateAsync(NpgsqlDataSource ds, int connections, CancellationToken ct)
    {
        var list = new Connection[connections];
        for (var i = 0; i < connections; i++)
        {
            var conn = await ds.OpenConnectionAsync(ct);
            var cmd = new NpgsqlCommand(Insert, conn);
            foreach (var type in new[] { NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
                         NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz,
                         NpgsqlDbType.TimestampTz })
            {
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
            }
            await cmd.PrepareAsync(ct);
            list[i] = new Connection(conn, cmd);
        }
        return new SqlDriver(list);
    }

    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var cmd = _connections[caller].Insert;
        BookingParameters.Set(cmd.Parameters, a);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
            return AttemptOutcome.Ok;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return AttemptOutcome.Refused(ConstraintReason(e.ConstraintName));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            return AttemptOutcome.Refused("DEADLOCK");
        }
    }

    public static string ConstraintReason(string? constraint) => constraint switch
    {
        "appointments_therapist_no_overlap" => "THERAPIST_BUSY",
        "appointments_room_no_overlap" => "ROOM_BUSY",
        "appointments_client_no_overlap" => "CLIENT_BUSY",
        _ => "EXCLUSION:" + constraint,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.Insert.DisposeAsync();
            await c.Conn.DisposeAsync();
        }
    }
}

/// <summary>
/// A careful SQL developer: per booking one transaction that takes transaction-scoped advisory locks on the therapist,
/// the clinic's room and the client (64-bit hashes, in sorted order, so two bookings never deadlock), pre-checks for an
/// overlap with a SELECT, and INSERTs only when free. Two round trips: BEGIN + locks + pre-check, then INSERT + COMMIT
/// (or ROLLBACK). Exclusion violations and deadlocks would still count as refusals (they should not happen).
/// </summary>
public sealed class SqlAdvisoryDriver : IBookingDriver
{
    private const string PreCheck = """
        SELECT EXISTS (SELECT 1 FROM appointments WHERE therapist_id = $1 AND status IN ('pending', 'booked', 'arrived')
                         AND tstzrange(starts_at, ends_at) && tstzrange($4, $5)),
               EXISTS (SELECT 1 FROM appointments WHERE clinic_id = $2 AND room_id = $3 AND status IN ('pending', 'booked', 'arrived')
                         AND tstzrange(starts_at, room_free_at) && tstzrange($4, $6)),
               EXISTS (SELECT 1 FROM appointments WHERE client_id = $7 AND status IN ('pending', 'booked', 'arrived')
                         AND tstzrange(starts_at, ends_at) && tstzrange($4, $5))
        """;

    private const string Insert =
        "INSERT INTO appointments (id, request_id, clinic_id, therapist_id, room_id, client_id, service_id, starts_at, ends_at, "
        + "room_free_at, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'booked', $11, $11)";

    private readonly NpgsqlConnection[] _connections;

    private SqlAdvisoryDriver(NpgsqlConnection[] connections) => _connections = connections;

    public static async Task<SqlAdvisoryDriver> CreateAsync(NpgsqlDataSource ds, int connections, CancellationToken ct)
    {
        var list = new NpgsqlConnection[connections];
        for (var i = 0; i < connections; i++)
        {
            list[i] = await ds.OpenConnectionAsync(ct);
        }
        return new SqlAdvisoryDriver(list);
    }

    /// <summary>A stable 64-bit advisory lock key for a resource (first 8 bytes of SHA-256 of its name).</summary>
    public static long LockKey(string resource)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(resource), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var conn = _connections[caller];
        long[] keys = [LockKey("therapist/" + a.TherapistId), LockKey("room/" + a.ClinicId + "/" + a.RoomId), LockKey("client/" + a.ClientId)];
        Array.Sort(keys);
        var start = a.Start.ToDateTimeUtc();
        var end = a.End.ToDateTimeUtc();
        var roomFree = a.RoomFreeAt.ToDateTimeUtc();

        await using var tx = await conn.BeginTransactionAsync(ct);
        bool therapistBusy, roomBusy, clientBusy;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            foreach (var key in keys)
            {
                var lockCmd = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
                lockCmd.Parameters.Add(new NpgsqlParameter { Value = key, NpgsqlDbType = NpgsqlDbType.Bigint });
                batch.BatchCommands.Add(lockCmd);
            }
            var check = new NpgsqlBatchCommand(PreCheck);
            check.Parameters.Add(new NpgsqlParameter { Value = a.TherapistId, NpgsqlDbType = NpgsqlDbType.Text });
            check.Parameters.Add(new NpgsqlParameter { Value = a.ClinicId, NpgsqlDbType = NpgsqlDbType.Text });
            check.Parameters.Add(new NpgsqlParameter { Value = a.RoomId, NpgsqlDbType = NpgsqlDbType.Text });
            check.Parameters.Add(new NpgsqlParameter { Value = start, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            check.Parameters.Add(new NpgsqlParameter { Value = end, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            check.Parameters.Add(new NpgsqlParameter { Value = roomFree, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            check.Parameters.Add(new NpgsqlParameter { Value = a.ClientId, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(check);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            for (var i = 0; i < keys.Length; i++)
            {
                await reader.NextResultAsync(ct);
            }
            await reader.ReadAsync(ct);
            (therapistBusy, roomBusy, clientBusy) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }

        if (therapistBusy || roomBusy || clientBusy)
        {
            await tx.RollbackAsync(ct);
            return AttemptOutcome.Refused(therapistBusy ? "THERAPIST_BUSY" : roomBusy ? "ROOM_BUSY" : "CLIENT_BUSY");
        }

        try
        {
            await using var insert = new NpgsqlCommand(Insert, conn, tx);
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString(), NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = a.ClinicId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = a.TherapistId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = a.RoomId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = a.ClientId, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = a.Service.Id, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = start, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter { Value = end, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter { Value = roomFree, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter { Value = DateTime.UtcNow, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await insert.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return AttemptOutcome.Ok;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            await tx.RollbackAsync(ct);
            return AttemptOutcome.Refused(SqlDriver.ConstraintReason(e.ConstraintName));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            await tx.RollbackAsync(ct);
            return AttemptOutcome.Refused("DEADLOCK");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.DisposeAsync();
        }
    }
}

/// <summary>
/// What a careful SQL developer writes: one round trip per booking, <c>SELECT bench_book_fn(...)</c>, a plpgsql function
/// (created by <see cref="CreateFunctionAsync"/> in the benchmark's own database, not a migration) that takes
/// transaction-scoped advisory locks on the therapist, the clinic's room and the client (always in that order, so two
/// bookings never deadlock), pre-checks the three overlaps with the same ranges and status filter as the exclusion
/// constraints (so the GiST indexes answer), inserts, and returns <c>booked</c> or the busy resource. The exclusion
/// constraints stay as the safety net: a violation inside the function is still a refusal.
/// </summary>
public sealed class SqlFunctionDriver : IBookingDriver
{
    public const string FunctionName = "bench_book_fn";

    private const string CreateFunction = """
        CREATE OR REPLACE FUNCTION bench_book_fn(
            p_id uuid, p_request_id text, p_clinic text, p_therapist text, p_room text, p_client text, p_service text,
            p_starts timestamptz, p_ends timestamptz, p_room_free timestamptz, p_now timestamptz)
        RETURNS text LANGUAGE plpgsql AS $fn$
        DECLARE
            busy text;
        BEGIN
            PERFORM pg_advisory_xact_lock(1, hashtext(p_therapist));
            PERFORM pg_advisory_xact_lock(2, hashtext(p_clinic || '/' || p_room));
            PERFORM pg_advisory_xact_lock(3, hashtext(p_client));
            IF EXISTS (SELECT 1 FROM appointments WHERE therapist_id = p_therapist AND status IN ('pending', 'booked', 'arrived')
                         AND tstzrange(starts_at, ends_at) && tstzrange(p_starts, p_ends)) THEN
                RETURN 'THERAPIST_BUSY';
            END IF;
            IF EXISTS (SELECT 1 FROM appointments WHERE clinic_id = p_clinic AND room_id = p_room AND status IN ('pending', 'booked', 'arrived')
                         AND tstzrange(starts_at, room_free_at) && tstzrange(p_starts, p_room_free)) THEN
                RETURN 'ROOM_BUSY';
            END IF;
            IF EXISTS (SELECT 1 FROM appointments WHERE client_id = p_client AND status IN ('pending', 'booked', 'arrived')
                         AND tstzrange(starts_at, ends_at) && tstzrange(p_starts, p_ends)) THEN
                RETURN 'CLIENT_BUSY';
            END IF;
            BEGIN
                INSERT INTO appointments (id, request_id, clinic_id, therapist_id, room_id, client_id, service_id, starts_at, ends_at,
                                          room_free_at, status, created_at, updated_at)
                VALUES (p_id, p_request_id, p_clinic, p_therapist, p_room, p_client, p_service, p_starts, p_ends, p_room_free, 'booked', p_now, p_now);
                RETURN 'booked';
            EXCEPTION
                WHEN exclusion_violation THEN
                    GET STACKED DIAGNOSTICS busy = CONSTRAINT_NAME;
                    RETURN 'EXCLUSION:' || busy;
                WHEN deadlock_detected THEN
                    RETURN 'DEADLOCK';
            END;
        END
        $fn$
        """;

    private readonly NpgsqlCommand[] _commands;

    private SqlFunctionDriver(NpgsqlCommand[] commands) => _commands = commands;

    /// <summary>Creates (or replaces) the booking function; idempotent.</summary>
    public static async Task CreateFunctionAsync(NpgsqlDataSource ds, CancellationToken ct)
    {
        await using var cmd = ds.CreateCommand(CreateFunction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<SqlFunctionDriver> CreateAsync(NpgsqlDataSource ds, int connections, CancellationToken ct)
    {
        await CreateFunctionAsync(ds, ct);
        var list = new NpgsqlCommand[connections];
        for (var i = 0; i < connections; i++)
        {
            var conn = await ds.OpenConnectionAsync(ct);
            var cmd = new NpgsqlCommand($"SELECT {FunctionName}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", conn);
            foreach (var type in new[] { NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
                         NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz,
                         NpgsqlDbType.TimestampTz })
            {
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
            }
            await cmd.PrepareAsync(ct);
            list[i] = cmd;
        }
        return new SqlFunctionDriver(list);
    }

    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var cmd = _commands[caller];
        BookingParameters.Set(cmd.Parameters, a);
        var outcome = (string)(await cmd.ExecuteScalarAsync(ct))!;
        return outcome switch
        {
            "booked" => AttemptOutcome.Ok,
            _ when outcome.StartsWith("EXCLUSION:", StringComparison.Ordinal) => AttemptOutcome.Refused(SqlDriver.ConstraintReason(outcome["EXCLUSION:".Length..])),
            _ => AttemptOutcome.Refused(outcome),
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var cmd in _commands)
        {
            var conn = cmd.Connection;
            await cmd.DisposeAsync();
            if (conn is not null)
            {
                await conn.DisposeAsync();
            }
        }
    }
}

/// <summary>The eleven parameters, in order, of the plain INSERT and of <c>bench_book_fn</c>: the same input for both.</summary>
internal static class BookingParameters
{
    public static void Set(NpgsqlParameterCollection p, BookingAttempt a)
    {
            p[0].Value = Guid.NewGuid();
            p[1].Value = Guid.NewGuid().ToString();
            p[2].Value = a.ClinicId;
            p[3].Value = a.TherapistId;
            p[4].Value = a.RoomId;
            p[5].Value = a.ClientId;
            p[6].Value = a.Service.Id;
            p[7].Value = a.Start.ToDateTimeUtc();
            p[8].Value = a.End.ToDateTimeUtc();
            p[9].Value = a.RoomFreeAt.ToDateTimeUtc();
            p[10].Value = DateTime.UtcNow;
    }
}
