using NmtPractice.Domain.Appointments;
using NmtPractice.Persistence.Records;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// Ledger behaviour against real PostgreSQL. Tests share the nmt_test database, so each uses its own
/// clinic, therapist, room and client ids (a per-test suffix).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AppointmentLedgerTests : IDisposable
{
    private static readonly Instant Day = Instant.FromUtc(2030, 3, 4, 0, 0);
    private readonly PostgresFixture _fixture;
    private readonly NpgsqlDataSource _ds;
    private readonly AppointmentLedger _ledger;
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];

    public AppointmentLedgerTests(PostgresFixture fixture)
    {
        _fixture = fixture;
        _ds = fixture.CreateDataSource();
        _ledger = new AppointmentLedger(_ds);
    }

    public void Dispose() => _ds.Dispose();

    private static Instant At(int hour, int minute = 0) => Day + Duration.FromHours(hour) + Duration.FromMinutes(minute);

    private Instant Now => At(6);

    private NewAppointment Appt(
        int startHour,
        int endHour,
        string therapist = "t1",
        string room = "r1",
        string client = "c1",
        string clinic = "k1",
        int turnoverMinutes = 0,
        AppointmentStatus status = AppointmentStatus.Booked,
        Instant? holdExpiresAt = null,
        string? requestId = null) =>
        new(
            Guid.NewGuid(),
            requestId ?? "req-" + Guid.NewGuid().ToString("N"),
            clinic + _s,
            therapist + _s,
            room,
            client + _s,
            "svc",
            At(startHour),
            At(endHour),
            At(endHour, turnoverMinutes),
            status,
            holdExpiresAt);

    [Fact]
    public async Task Insert_round_trips_every_field()
    {
        var a = Appt(9, 10, turnoverMinutes: 15, status: AppointmentStatus.Pending, holdExpiresAt: At(7));
        var r = await _ledger.InsertAsync(a, Now);
        Assert.Equal(LedgerWriteKind.Inserted, r.Kind);
        var rec = Assert.IsType<AppointmentRecord>(r.Record);
        Assert.Equal(a.Id, rec.Id);
        Assert.Equal(a.RequestId, rec.RequestId);
        Assert.Equal(a.ClinicId, rec.ClinicId);
        Assert.Equal(a.TherapistId, rec.TherapistId);
        Assert.Equal(a.RoomId, rec.RoomId);
        Assert.Equal(a.ClientId, rec.ClientId);
        Assert.Equal(a.ServiceId, rec.ServiceId);
        Assert.Equal(a.Start, rec.Start);
        Assert.Equal(a.End, rec.End);
        Assert.Equal(a.RoomFreeAt, rec.RoomFreeAt);
        Assert.Equal(AppointmentStatus.Pending, rec.Status);
        Assert.Equal(At(7), rec.HoldExpiresAt);
        Assert.Null(rec.CancelReason);
        Assert.False(rec.CancelledLate);
        Assert.Equal(Now, rec.CreatedAt);
        Assert.Equal(Now, rec.UpdatedAt);
        Assert.Equal(1, rec.Version);

        Assert.Equal(rec, await _ledger.GetAsync(a.Id));
        Assert.Equal(rec, await _ledger.GetByRequestIdAsync(a.RequestId));
        Assert.Null(await _ledger.GetAsync(Guid.NewGuid()));
        Assert.Null(await _ledger.GetByRequestIdAsync("nope-" + _s));
    }

    [Fact]
    public async Task Overlaps_are_refused_per_resource()
    {
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(9, 10, turnoverMinutes: 15), Now)).Kind);
        var first = (await _ledger.ListOccupyingForTherapistAsync("t1" + _s, At(0), At(23)))[0];

        var therapist = await _ledger.InsertAsync(Appt(9, 10, room: "r2", client: "c2"), Now);
        Assert.Equal(LedgerWriteKind.Conflict, therapist.Kind);
        Assert.Equal(ConflictResource.Therapist, therapist.ConflictWith);
        Assert.Equal(first.Id, therapist.ConflictingId);
        Assert.Null(therapist.Record);

        var room = await _ledger.InsertAsync(Appt(9, 10, therapist: "t2", client: "c2"), Now);
        Assert.Equal(ConflictResource.Room, room.ConflictWith);

        // Turnover: the room is busy until 10:15.
        var turnover = await _ledger.InsertAsync(Appt(10, 11, therapist: "t2", client: "c2") with { Start = At(10, 10) }, Now);
        Assert.Equal(LedgerWriteKind.Conflict, turnover.Kind);
        Assert.Equal(ConflictResource.Room, turnover.ConflictWith);
        Assert.Equal(first.Id, turnover.ConflictingId);

        var client = await _ledger.InsertAsync(Appt(9, 10, therapist: "t2", room: "r2") with { Start = At(9, 30) }, Now);
        Assert.Equal(ConflictResource.Client, client.ConflictWith);

        // After the turnover the room is free; the same room id in another clinic is another room.
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(10, 11, therapist: "t2", client: "c2") with { Start = At(10, 15) }, Now)).Kind);
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(9, 10, therapist: "t3", client: "c3", clinic: "k2"), Now)).Kind);
        Assert.Equal(0, await new LedgerOracle(_ds).CountOverlapsAsync());
    }

    [Fact]
    public async Task Back_to_back_appointments_are_allowed()
    {
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(9, 10), Now)).Kind);
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(10, 11), Now)).Kind);
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(8, 9), Now)).Kind);
        Assert.Equal(3, (await _ledger.ListForTherapistAsync("t1" + _s, At(0), At(24))).Count);
    }

    [Fact]
    public async Task A_retried_request_returns_the_first_row()
    {
        var a = Appt(9, 10, requestId: "req-dup-" + _s);
        var first = await _ledger.InsertAsync(a, Now);
        var again = await _ledger.InsertAsync(a with { Id = Guid.NewGuid(), Start = At(14), End = At(15), RoomFreeAt = At(15) }, Now + Duration.FromMinutes(1));
        Assert.Equal(LedgerWriteKind.Duplicate, again.Kind);
        Assert.Equal(first.Record, again.Record);
        Assert.Single(await _ledger.ListForClientAsync("c1" + _s, At(0), At(24)));
    }

    [Fact]
    public async Task Expired_holds_do_not_block_and_are_cancelled()
    {
        var hold = await _ledger.InsertAsync(Appt(9, 10, status: AppointmentStatus.Pending, holdExpiresAt: At(6, 5)), Now);
        Assert.Equal(LedgerWriteKind.Inserted, hold.Kind);

        // Before expiry the hold blocks.
        Assert.Equal(LedgerWriteKind.Conflict, (await _ledger.InsertAsync(Appt(9, 10, room: "r2", client: "c2"), At(6, 4))).Kind);

        var later = At(6, 5);
        var booking = await _ledger.InsertAsync(Appt(9, 10, room: "r2", client: "c2"), later);
        Assert.Equal(LedgerWriteKind.Inserted, booking.Kind);

        var expired = await _ledger.GetAsync(hold.Record!.Id);
        Assert.Equal(AppointmentStatus.Cancelled, expired!.Status);
        Assert.Equal("hold-expired", expired.CancelReason);
        Assert.Equal(2, expired.Version);
        Assert.Equal(later, expired.UpdatedAt);
    }

    [Fact]
    public async Task Confirming_a_hold_requires_it_unexpired_and_clears_the_expiry()
    {
        var live = (await _ledger.InsertAsync(Appt(9, 10, status: AppointmentStatus.Pending, holdExpiresAt: At(6, 10)), Now)).Record!;
        var confirmed = await _ledger.UpdateStatusAsync(live.Id, 1, AppointmentStatus.Booked, null, false, At(6, 9));
        Assert.Equal(LedgerWriteKind.Updated, confirmed.Kind);
        Assert.Equal(AppointmentStatus.Booked, confirmed.Record!.Status);
        Assert.Null(confirmed.Record.HoldExpiresAt);
        Assert.Equal(2, confirmed.Record.Version);

        var stale = (await _ledger.InsertAsync(Appt(11, 12, status: AppointmentStatus.Pending, holdExpiresAt: At(6, 10)), Now)).Record!;
        var refused = await _ledger.UpdateStatusAsync(stale.Id, 1, AppointmentStatus.Booked, null, false, At(6, 10));
        Assert.Equal(LedgerWriteKind.InvalidTransition, refused.Kind);
        Assert.Equal(AppointmentStatus.Pending, (await _ledger.GetAsync(stale.Id))!.Status);

        // An expired hold can still be cancelled explicitly.
        var cancelled = await _ledger.UpdateStatusAsync(stale.Id, 1, AppointmentStatus.Cancelled, "client", true, At(6, 11));
        Assert.Equal(LedgerWriteKind.Updated, cancelled.Kind);
        Assert.Equal("client", cancelled.Record!.CancelReason);
        Assert.True(cancelled.Record.CancelledLate);
    }

    [Fact]
    public async Task A_transition_with_a_request_id_is_recorded_with_it_and_a_retry_replays_it_without_applying_it_again()
    {
        var rec = (await _ledger.InsertAsync(Appt(9, 10), Now)).Record!;
        var request = new LedgerRequest("rq-cancel-" + _s, "booking.cancel", [1, 2, 3]);
        var first = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Cancelled, "client", false, Now, request);
        Assert.Equal((LedgerWriteKind.Updated, 2), (first.Kind, first.Record!.Version));

        // The retry comes later and with the version it read before the first change: the first answer, no change.
        var retry = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Cancelled, "client", false, At(7), request);
        Assert.Equal(LedgerWriteKind.Replayed, retry.Kind);
        Assert.Equal(first.Record, retry.Record);
        Assert.Equal(first.Record, await _ledger.GetAsync(rec.Id));
        Assert.Equal(LedgerWriteKind.Replayed, (await _ledger.FindRequestAsync(request))!.Kind);

        // The same id with another fingerprint, on this or another appointment: refused, nothing written.
        var other = (await _ledger.InsertAsync(Appt(11, 12), Now)).Record!;
        var reused = await _ledger.UpdateStatusAsync(other.Id, 1, AppointmentStatus.Arrived, null, false, Now, request with { Fingerprint = [9] });
        Assert.Equal((LedgerWriteKind.RequestIdReused, (AppointmentRecord?)null), (reused.Kind, reused.Record));
        Assert.Equal(other, await _ledger.GetAsync(other.Id));

        // A refused transition is not recorded: the id stays free.
        var refusedRequest = new LedgerRequest("rq-refused-" + _s, "booking.confirm", [4]);
        Assert.Equal(LedgerWriteKind.InvalidTransition, (await _ledger.UpdateStatusAsync(other.Id, 1, AppointmentStatus.Booked, null, false, Now, refusedRequest)).Kind);
        Assert.Null(await _ledger.FindRequestAsync(refusedRequest));

        // A move: the same, through ledger_reassign.
        var move = new LedgerRequest("rq-move-" + _s, "booking.reschedule", [5]);
        var moved = await _ledger.MoveAsync(other.Id, 1, "t1" + _s, "r2", At(14), At(15), At(15), Now, move);
        Assert.Equal((LedgerWriteKind.Updated, 2), (moved.Kind, moved.Record!.Version));
        var movedAgain = await _ledger.MoveAsync(other.Id, 1, "t1" + _s, "r2", At(14), At(15), At(15), At(8), move);
        Assert.Equal((LedgerWriteKind.Replayed, moved.Record), (movedAgain.Kind, movedAgain.Record));
        Assert.Equal(moved.Record, await _ledger.GetAsync(other.Id));
    }

    [Fact]
    public async Task An_applied_status_change_or_move_writes_exactly_one_audit_row_in_its_transaction_and_a_replay_none()
    {
        var rec = (await _ledger.InsertAsync(Appt(9, 10), Now)).Record!;
        var confirm = new LedgerRequest("rq-audit-arrive-" + _s, "booking.checkin", [1]);
        var first = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Arrived, null, false, Now, confirm, AuditOf("booking.checkin", rec.Id));
        Assert.Equal(LedgerWriteKind.Updated, first.Kind);
        Assert.Equal(["booking.checkin"], await AuditActions(rec.Id));

        // A retry is replayed: no second row. A refused change (stale version) writes none either.
        var retry = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Arrived, null, false, At(7), confirm, AuditOf("booking.checkin", rec.Id));
        Assert.Equal(LedgerWriteKind.Replayed, retry.Kind);
        var stale = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Fulfilled, null, false, Now, null, AuditOf("booking.complete", rec.Id));
        Assert.Equal(LedgerWriteKind.StaleVersion, stale.Kind);
        Assert.Equal(["booking.checkin"], await AuditActions(rec.Id));

        // Without a request id the change and its row still share a transaction.
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(rec.Id, 2, AppointmentStatus.Fulfilled, null, false, Now, null, AuditOf("booking.complete", rec.Id))).Kind);
        Assert.Equal(["booking.checkin", "booking.complete"], await AuditActions(rec.Id));

        // A concurrent duplicate pair: one applied, one replayed, one row.
        var pairRec = (await _ledger.InsertAsync(Appt(11, 12), Now)).Record!;
        var cancel = new LedgerRequest("rq-audit-pair-" + _s, "booking.cancel", [2]);
        var pair = await Task.WhenAll(
            _ledger.UpdateStatusAsync(pairRec.Id, 1, AppointmentStatus.Cancelled, "client", false, Now, cancel, AuditOf("booking.cancel", pairRec.Id)),
            _ledger.UpdateStatusAsync(pairRec.Id, 1, AppointmentStatus.Cancelled, "client", false, Now, cancel, AuditOf("booking.cancel", pairRec.Id)));
        Assert.Equal([LedgerWriteKind.Updated, LedgerWriteKind.Replayed], pair.Select(p => p.Kind).Order());
        Assert.Equal(["booking.cancel"], await AuditActions(pairRec.Id));

        // Moves and reassignments: one row when applied, none on a replay or a conflict.
        var moving = (await _ledger.InsertAsync(Appt(13, 14), Now)).Record!;
        var blocker = (await _ledger.InsertAsync(Appt(16, 17, therapist: "t9", room: "r9", client: "c9"), Now)).Record!;
        var move = new LedgerRequest("rq-audit-move-" + _s, "booking.reschedule", [3]);
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.MoveAsync(moving.Id, 1, moving.TherapistId, "r2", At(14), At(15), At(15), Now, move, AuditOf("booking.reschedule", moving.Id))).Kind);
        Assert.Equal(LedgerWriteKind.Replayed, (await _ledger.MoveAsync(moving.Id, 1, moving.TherapistId, "r2", At(14), At(15), At(15), At(7), move, AuditOf("booking.reschedule", moving.Id))).Kind);
        Assert.Equal(LedgerWriteKind.Conflict, (await _ledger.MoveAsync(moving.Id, 2, blocker.TherapistId, "r3", At(16), At(17), At(17), Now, null, AuditOf("booking.reschedule", moving.Id))).Kind);
        var reassign = new LedgerRequest("rq-audit-reassign-" + _s, "booking.reschedule", [4]);
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.ReassignAsync(moving.Id, 2, "k2" + _s, "t3" + _s, "x1", At(9), At(10), At(10), Now, reassign, AuditOf("booking.reschedule", moving.Id))).Kind);
        Assert.Equal(["booking.reschedule", "booking.reschedule"], await AuditActions(moving.Id));
        Assert.Empty(await AuditActions(blocker.Id));
    }

    [Fact]
    public async Task A_status_change_or_move_whose_audit_row_cannot_be_written_fails_and_leaves_the_appointment_unchanged()
    {
        var rec = (await _ledger.InsertAsync(Appt(9, 10), Now)).Record!;
        var request = new LedgerRequest("rq-audit-fault-" + _s, "booking.cancel", [1]);
        await using (await AuditFault.CreateAsync(_fixture, "audit_fault_" + _s, rec.Id))
        {
            var failed = await Assert.ThrowsAsync<PostgresException>(() =>
                _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Cancelled, "client", false, Now, request, AuditOf("booking.cancel", rec.Id)));
            Assert.Contains("injected audit fault", failed.MessageText, StringComparison.Ordinal);
            await Assert.ThrowsAsync<PostgresException>(() =>
                _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Arrived, null, false, Now, null, AuditOf("booking.checkin", rec.Id)));
            await Assert.ThrowsAsync<PostgresException>(() =>
                _ledger.MoveAsync(rec.Id, 1, rec.TherapistId, "r2", At(14), At(15), At(15), Now, null, AuditOf("booking.reschedule", rec.Id)));
            await Assert.ThrowsAsync<PostgresException>(() =>
                _ledger.ReassignAsync(rec.Id, 1, "k2" + _s, "t3" + _s, "x1", At(9), At(10), At(10), Now, null, AuditOf("booking.reschedule", rec.Id)));

            Assert.Equal(rec, await _ledger.GetAsync(rec.Id));
            Assert.Null(await _ledger.FindRequestAsync(request));
            Assert.Empty(await AuditActions(rec.Id));
        }

        // The database takes audit rows again: the same request now applies, with its row.
        var applied = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Cancelled, "client", false, Now, request, AuditOf("booking.cancel", rec.Id));
        Assert.Equal(LedgerWriteKind.Updated, applied.Kind);
        Assert.Equal(["booking.cancel"], await AuditActions(rec.Id));
    }

    private static AuditEntry AuditOf(string action, Guid appointmentId) =>
        new("ledger-test", "front-desk", null, action, "appointment", appointmentId.ToString(), null, appointmentId, "test", "ok");

    private async Task<IReadOnlyList<string>> AuditActions(Guid appointmentId)
    {
        await using var cmd = _ds.CreateCommand("SELECT action FROM audit_log WHERE appointment_id = $1 ORDER BY id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = appointmentId });
        var actions = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            actions.Add(reader.GetString(0));
        }
        return actions;
    }

    /// <summary>
    /// A fault in the audit trail: a trigger that makes every audit_log insert for one appointment raise. Created and
    /// dropped over the owner's (admin) connection: the application role may not create triggers.
    /// </summary>
    private sealed class AuditFault : IAsyncDisposable
    {
        private readonly string _connectionString;
        private readonly string _name;

        private AuditFault(string connectionString, string name) => (_connectionString, _name) = (connectionString, name);

        public static async Task<AuditFault> CreateAsync(PostgresFixture fixture, string name, Guid appointmentId)
        {
            var database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database;
            var fault = new AuditFault(new NpgsqlConnectionStringBuilder(fixture.AdminConnectionString) { Database = database }.ConnectionString, name);
            await fault.ExecuteAsync($"""
                CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF NEW.appointment_id = '{appointmentId}' THEN
                        RAISE EXCEPTION 'injected audit fault';
                    END IF;
                    RETURN NEW;
                END
                $fn$;
                CREATE TRIGGER {name} BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION {name}();
                """);
            return fault;
        }

        private async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
#pragma warning disable CA2100 // Test-made names and ids.
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP TRIGGER {_name} ON audit_log; DROP FUNCTION {_name}();");
    }

    [Fact]
    public async Task A_concurrent_duplicate_pair_of_a_transition_applies_it_once()
    {
        var rec = (await _ledger.InsertAsync(Appt(9, 10), Now)).Record!;
        var request = new LedgerRequest("rq-pair-" + _s, "booking.checkin", [7]);
        var pair = await Task.WhenAll(
            _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Arrived, null, false, Now, request),
            _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Arrived, null, false, Now, request));
        Assert.Equal([LedgerWriteKind.Updated, LedgerWriteKind.Replayed], pair.Select(p => p.Kind).Order());
        Assert.Equal(pair[0].Record, pair[1].Record);
        Assert.Equal(2, (await _ledger.GetAsync(rec.Id))!.Version);
    }

    [Fact]
    public async Task Status_changes_check_version_existence_and_transition()
    {
        var rec = (await _ledger.InsertAsync(Appt(9, 10), Now)).Record!;
        Assert.Equal(LedgerWriteKind.NotFound, (await _ledger.UpdateStatusAsync(Guid.NewGuid(), 1, AppointmentStatus.Arrived, null, false, Now)).Kind);

        var arrived = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Arrived, null, false, Now);
        Assert.Equal(LedgerWriteKind.Updated, arrived.Kind);

        var stale = await _ledger.UpdateStatusAsync(rec.Id, 1, AppointmentStatus.Fulfilled, null, false, Now);
        Assert.Equal(LedgerWriteKind.StaleVersion, stale.Kind);
        Assert.Equal(2, stale.Record!.Version);

        Assert.Equal(LedgerWriteKind.InvalidTransition, (await _ledger.UpdateStatusAsync(rec.Id, 2, AppointmentStatus.Booked, null, false, Now)).Kind);
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(rec.Id, 2, AppointmentStatus.Fulfilled, null, false, Now)).Kind);
        Assert.Equal(LedgerWriteKind.InvalidTransition, (await _ledger.UpdateStatusAsync(rec.Id, 3, AppointmentStatus.Cancelled, "x", false, Now)).Kind);

        // A cancelled slot is free again.
        var other = (await _ledger.InsertAsync(Appt(11, 12), Now)).Record!;
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(other.Id, 1, AppointmentStatus.Cancelled, "clinic", false, Now)).Kind);
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(11, 12), Now)).Kind);
    }

    [Fact]
    public async Task Move_is_atomic_and_a_conflicting_move_leaves_the_old_slot()
    {
        var a = (await _ledger.InsertAsync(Appt(9, 10), Now)).Record!;
        var b = (await _ledger.InsertAsync(Appt(11, 12, therapist: "t2", room: "r2", client: "c2"), Now)).Record!;

        var conflict = await _ledger.MoveAsync(a.Id, 1, "t2" + _s, "r1", At(11, 30), At(12, 30), At(12, 30), Now);
        Assert.Equal(LedgerWriteKind.Conflict, conflict.Kind);
        Assert.Equal(ConflictResource.Therapist, conflict.ConflictWith);
        Assert.Equal(b.Id, conflict.ConflictingId);
        Assert.Equal(a, await _ledger.GetAsync(a.Id));

        // Overlapping itself is fine: shift by 30 minutes.
        var moved = await _ledger.MoveAsync(a.Id, 1, a.TherapistId, "r3", At(9, 30), At(10, 30), At(10, 45), Now + Duration.FromMinutes(1));
        Assert.Equal(LedgerWriteKind.Updated, moved.Kind);
        Assert.Equal(At(9, 30), moved.Record!.Start);
        Assert.Equal("r3", moved.Record.RoomId);
        Assert.Equal(2, moved.Record.Version);

        Assert.Equal(LedgerWriteKind.StaleVersion, (await _ledger.MoveAsync(a.Id, 1, a.TherapistId, "r3", At(13), At(14), At(14), Now)).Kind);
        Assert.Equal(LedgerWriteKind.NotFound, (await _ledger.MoveAsync(Guid.NewGuid(), 1, a.TherapistId, "r3", At(13), At(14), At(14), Now)).Kind);

        // An expired hold in the way is cancelled by the move.
        var hold = (await _ledger.InsertAsync(Appt(15, 16, therapist: "t3", room: "r3", client: "c3", status: AppointmentStatus.Pending, holdExpiresAt: At(6, 30)), Now)).Record!;
        var overHold = await _ledger.MoveAsync(a.Id, 2, a.TherapistId, "r3", At(15), At(16), At(16), At(7));
        Assert.Equal(LedgerWriteKind.Updated, overHold.Kind);
        Assert.Equal("hold-expired", (await _ledger.GetAsync(hold.Id))!.CancelReason);
    }

    [Fact]
    public async Task Reassign_moves_to_another_clinic_atomically_and_a_taken_room_there_leaves_the_row_alone()
    {
        var a = (await _ledger.InsertAsync(Appt(9, 10, turnoverMinutes: 15), Now)).Record!;
        var there = (await _ledger.InsertAsync(Appt(9, 10, therapist: "t2", room: "x1", client: "c2", clinic: "k2"), Now)).Record!;

        var roomTaken = await _ledger.ReassignAsync(a.Id, 1, "k2" + _s, "t3" + _s, "x1", At(9), At(10), At(10, 15), Now);
        Assert.Equal(LedgerWriteKind.Conflict, roomTaken.Kind);
        Assert.Equal(ConflictResource.Room, roomTaken.ConflictWith);
        Assert.Equal(there.Id, roomTaken.ConflictingId);
        Assert.Equal(a, await _ledger.GetAsync(a.Id));

        var moved = await _ledger.ReassignAsync(a.Id, 1, "k2" + _s, "t3" + _s, "x2", At(9), At(10), At(10, 15), Now);
        Assert.Equal(LedgerWriteKind.Updated, moved.Kind);
        Assert.Equal(("k2" + _s, "t3" + _s, "x2", 2), (moved.Record!.ClinicId, moved.Record.TherapistId, moved.Record.RoomId, moved.Record.Version));
        // The old clinic's room is free again; the same room id at the old clinic is another room.
        Assert.Equal(LedgerWriteKind.Inserted, (await _ledger.InsertAsync(Appt(9, 10, therapist: "t4", room: "r1", client: "c4"), Now)).Kind);
        Assert.Equal(LedgerWriteKind.StaleVersion, (await _ledger.ReassignAsync(a.Id, 1, "k1" + _s, "t1" + _s, "r2", At(9), At(10), At(10), Now)).Kind);
        Assert.Equal(0, await new LedgerOracle(_ds).CountOverlapsAsync());
    }

    [Fact]
    public async Task InsertMany_reports_each_item_in_input_order()
    {
        var existing = (await _ledger.InsertAsync(Appt(9, 10, requestId: "req-many-" + _s), Now)).Record!;
        var items = new[]
        {
            Appt(11, 12),                                             // 0 inserted
            Appt(9, 10, room: "r2", client: "c2"),                    // 1 conflict with existing (therapist)
            Appt(13, 14, requestId: "req-many-" + _s),                // 2 duplicate of existing
            Appt(11, 12, therapist: "t2", room: "r2"),                // 3 conflict with item 0 (client) within the batch
            Appt(15, 16),                                             // 4 inserted despite the conflicts before it
            Appt(11, 12, therapist: "t2", room: "r1", client: "c9"),  // 5 conflict with item 0 (room)
        };

        var results = await _ledger.InsertManyAsync(items, Now);
        Assert.Equal(
            [LedgerWriteKind.Inserted, LedgerWriteKind.Conflict, LedgerWriteKind.Duplicate, LedgerWriteKind.Conflict, LedgerWriteKind.Inserted, LedgerWriteKind.Conflict],
            results.Select(r => r.Kind));
        Assert.Equal(items[0].Id, results[0].Record!.Id);
        Assert.Equal(ConflictResource.Therapist, results[1].ConflictWith);
        Assert.Equal(existing.Id, results[1].ConflictingId);
        Assert.Equal(existing, results[2].Record);
        Assert.Equal(ConflictResource.Client, results[3].ConflictWith);
        Assert.Equal(items[0].Id, results[3].ConflictingId);
        Assert.Equal(items[4].Id, results[4].Record!.Id);
        Assert.Equal(ConflictResource.Room, results[5].ConflictWith);

        Assert.Equal(3, (await _ledger.ListForClinicAsync("k1" + _s, At(0), At(24))).Count);
        Assert.Empty(await _ledger.InsertManyAsync([], Now));
    }

    [Fact]
    public async Task Listings_filter_by_status_and_range()
    {
        var a = (await _ledger.InsertAsync(Appt(9, 10, turnoverMinutes: 30), Now)).Record!;
        var b = (await _ledger.InsertAsync(Appt(11, 12), Now)).Record!;
        await _ledger.UpdateStatusAsync(b.Id, 1, AppointmentStatus.Cancelled, "x", false, Now);

        // Room occupancy runs to 10:30, so a window starting at 10:15 still sees it for the clinic, not for the therapist.
        Assert.Equal([a.Id], (await _ledger.ListOccupyingForClinicAsync(a.ClinicId, At(10, 15), At(13))).Select(r => r.Id));
        Assert.Empty(await _ledger.ListOccupyingForTherapistAsync(a.TherapistId, At(10, 15), At(13)));
        Assert.Empty(await _ledger.ListOccupyingForClientAsync(a.ClientId, At(10, 15), At(13)));
        Assert.Equal([a.Id], (await _ledger.ListOccupyingForClientAsync(a.ClientId, At(0), At(24))).Select(r => r.Id));
        Assert.Equal([a.Id, b.Id], (await _ledger.ListForClinicAsync(a.ClinicId, At(0), At(24))).Select(r => r.Id));
        Assert.Equal([b.Id], (await _ledger.ListForTherapistAsync(a.TherapistId, At(10), At(24))).Select(r => r.Id));
    }

    [Fact]
    public async Task A_batched_occupancy_read_answers_each_calendar_as_its_own_listing_would()
    {
        var a = (await _ledger.InsertAsync(Appt(9, 10, turnoverMinutes: 30), Now)).Record!;
        var b = (await _ledger.InsertAsync(Appt(11, 12, therapist: "t2", room: "r2"), Now)).Record!;
        var c = (await _ledger.InsertAsync(Appt(13, 14, client: "c2"), Now)).Record!;
        var cancelled = (await _ledger.InsertAsync(Appt(15, 16, therapist: "t2", room: "r2", client: "c2"), Now)).Record!;
        await _ledger.UpdateStatusAsync(cancelled.Id, 1, AppointmentStatus.Cancelled, "x", false, Now);

        // Every kind mixed and repeated in one batch, with windows that cut through turnover (10:15 sees a's room until
        // 10:30 but not its therapist) and keys that have nothing.
        OccupancyQuery[] queries =
        [
            new(OccupancyResource.Therapist, "t1" + _s, At(0), At(24)),
            new(OccupancyResource.Clinic, "k1" + _s, At(10, 15), At(13)),
            new(OccupancyResource.Client, "c1" + _s, At(0), At(24)),
            new(OccupancyResource.Therapist, "t1" + _s, At(10, 15), At(13)),
            new(OccupancyResource.Therapist, "t2" + _s, At(0), At(24)),
            new(OccupancyResource.Client, "nobody" + _s, At(0), At(24)),
            new(OccupancyResource.Clinic, "k1" + _s, At(0), At(24)),
            new(OccupancyResource.Client, "c2" + _s, At(0), At(24)),
        ];
        var batched = await _ledger.ListOccupyingManyAsync(queries);

        Assert.Equal(queries.Length, batched.Count);
        for (var i = 0; i < queries.Length; i++)
        {
            var q = queries[i];
            var single = await (q.Resource switch
            {
                OccupancyResource.Therapist => _ledger.ListOccupyingForTherapistAsync(q.Key, q.From, q.To),
                OccupancyResource.Clinic => _ledger.ListOccupyingForClinicAsync(q.Key, q.From, q.To),
                _ => _ledger.ListOccupyingForClientAsync(q.Key, q.From, q.To),
            });
            Assert.Equal(single, batched[i]);
        }
        Assert.Equal([a.Id, c.Id], batched[0].Select(r => r.Id));
        Assert.Equal([a.Id, b.Id], batched[1].Select(r => r.Id));
        Assert.Empty(batched[3]);
        Assert.Equal([b.Id], batched[4].Select(r => r.Id));
        Assert.Empty(batched[5]);
        Assert.Equal([a.Id, b.Id, c.Id], batched[6].Select(r => r.Id));
        Assert.Equal([c.Id], batched[7].Select(r => r.Id));
        Assert.Empty(await _ledger.ListOccupyingManyAsync([]));
    }

    [Fact]
    public async Task Sixty_four_concurrent_bookings_of_one_slot_yield_exactly_one()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            _ledger.InsertAsync(Appt(9, 10, room: "r" + i, client: "c" + i), Now))));
        Assert.Single(results, r => r.Kind == LedgerWriteKind.Inserted);
        Assert.All(results.Where(r => r.Kind != LedgerWriteKind.Inserted), r =>
        {
            Assert.Equal(LedgerWriteKind.Conflict, r.Kind);
            Assert.Equal(ConflictResource.Therapist, r.ConflictWith);
        });
        Assert.Equal(0, await new LedgerOracle(_ds).CountOverlapsAsync());
    }

    [Fact]
    public async Task Concurrent_batches_are_consistent()
    {
        // 8 batches of 16 items over 4 therapists and overlapping hours, in different orders.
        var batches = Enumerable.Range(0, 8).Select(b => (IReadOnlyList<NewAppointment>)Enumerable.Range(0, 16)
            .Select(i => Appt(8 + ((i + b) % 6), 9 + ((i + b) % 6), therapist: "t" + ((i * 7 + b) % 4), room: "r" + b + "-" + i, client: "c" + b + "-" + i))
            .ToList()).ToList();
        var results = await Task.WhenAll(batches.Select(batch => Task.Run(() => _ledger.InsertManyAsync(batch, Now))));
        var inserted = results.SelectMany(r => r).Count(r => r.Kind == LedgerWriteKind.Inserted);
        // Slots are whole hours; rooms and clients are all distinct: exactly one winner per (therapist, hour).
        Assert.Equal(batches.SelectMany(b => b).Select(a => (a.TherapistId, a.Start)).Distinct().Count(), inserted);
        Assert.Equal(0, await new LedgerOracle(_ds).CountOverlapsAsync());
    }

    [Fact]
    public async Task CountOverlaps_detects_overlaps_when_the_constraints_are_gone()
    {
        // Dropping the constraints is DDL: the owner's right, not the application's.
        var cs = _fixture.AsOwner(await _fixture.CreateDatabaseAsync("overlaps"));
        await using var ds = NpgsqlDataSource.Create(cs);
        var ledger = new AppointmentLedger(ds);
        Assert.Equal(0, await new LedgerOracle(ds).CountOverlapsAsync());
        await using (var drop = ds.CreateCommand(
            "ALTER TABLE appointments DROP CONSTRAINT appointments_therapist_no_overlap, "
            + "DROP CONSTRAINT appointments_room_no_overlap, DROP CONSTRAINT appointments_client_no_overlap"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await ledger.InsertAsync(Appt(9, 10), Now);                                       // base
        await ledger.InsertAsync(Appt(9, 10, room: "r2", client: "c2"), Now);             // therapist overlap
        await ledger.InsertAsync(Appt(10, 11, therapist: "t3", client: "c3") with { Start = At(9, 59) }, Now); // room overlap with base
        await ledger.InsertAsync(Appt(9, 10, therapist: "t4", room: "r4") with { Start = At(9, 30) }, Now);    // client overlap with base
        Assert.Equal(3, await new LedgerOracle(ds).CountOverlapsAsync());
    }
}
