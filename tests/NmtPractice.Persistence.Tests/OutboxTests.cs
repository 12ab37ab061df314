using System.Text.Json;
using NmtPractice.Domain.Appointments;
using NmtPractice.Persistence.Outbox;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// The transactional outbox (migration 0040): each ledger change writes its event in its own transaction, a change
/// that rolls back leaves none, and a reader never skips a cursor that a running transaction may still fill.
/// Its own database, so cursors are this class's alone.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OutboxTests(PostgresFixture fixture) : IAsyncLifetime
{
    private static readonly Instant Day = Instant.FromUtc(2030, 3, 4, 0, 0);
    private static readonly Instant Now = Day + Duration.FromHours(6);
    private string _cs = "";
    private NpgsqlDataSource _ds = null!;
    private AppointmentLedger _ledger = null!;
    private OutboxStore _outbox = null!;
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        _cs = await fixture.CreateDatabaseAsync("outbox");
        _ds = NpgsqlDataSource.Create(_cs);
        _ledger = new AppointmentLedger(_ds);
        _outbox = new OutboxStore(_ds);
    }

    public async Task DisposeAsync() => await _ds.DisposeAsync();

    private static Instant At(int hour, int minute = 0) => Day + Duration.FromHours(hour) + Duration.FromMinutes(minute);

    private NewAppointment Appt(int startHour, AppointmentStatus status = AppointmentStatus.Booked, Instant? holdExpiresAt = null, string clinic = "k1") =>
        new(Guid.NewGuid(), "req-" + Guid.NewGuid().ToString("N"), clinic + _s, "t1" + _s, "r1", "c" + Guid.NewGuid().ToString("N")[..6], "svc",
            At(startHour), At(startHour + 1), At(startHour + 1), status, holdExpiresAt);

    private async Task<AppointmentRecord> Insert(NewAppointment a)
    {
        var written = await _ledger.InsertAsync(a, Now);
        Assert.Equal(LedgerWriteKind.Inserted, written.Kind);
        return written.Record!;
    }

    /// <summary>The events about <paramref name="appointmentId"/>, in cursor order.</summary>
    private async Task<List<OutboxRow>> EventsOf(Guid appointmentId)
    {
        var page = await _outbox.ReadAsync(0, 1000);
        return [.. page.Events.Where(e => e.Subject == appointmentId.ToString())];
    }

    private static JsonElement Data(OutboxRow row) => JsonDocument.Parse(row.DataJson).RootElement;

    private static void AssertPlace(OutboxRow row, AppointmentRecord a)
    {
        var data = Data(row);
        Assert.Equal(a.Id.ToString(), data.GetProperty("appointment_id").GetString());
        Assert.Equal(a.ClinicId, data.GetProperty("clinic_id").GetString());
        Assert.Equal(a.TherapistId, data.GetProperty("therapist_id").GetString());
        Assert.Equal(a.RoomId, data.GetProperty("room_id").GetString());
        Assert.Equal(a.Start, Instant.FromDateTimeOffset(data.GetProperty("start").GetDateTimeOffset()));
        Assert.Equal(a.End, Instant.FromDateTimeOffset(data.GetProperty("end").GetDateTimeOffset()));
        Assert.Equal(a.ClinicId, row.SourceClinicId);
        // Ids and times only: never the client.
        Assert.False(data.TryGetProperty("client_id", out _));
        Assert.DoesNotContain(a.ClientId, row.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_booking_writes_booked_with_its_place_and_time()
    {
        var a = await Insert(Appt(9));
        var e = Assert.Single(await EventsOf(a.Id));
        Assert.Equal("nmt.appointment.booked.v1", e.Type);
        Assert.Equal(Now, e.OccurredAt);
        Assert.Equal(new[] { a.ClinicId }, e.ClinicIds);
        Assert.Equal(new[] { a.TherapistId }, e.TherapistIds);
        AssertPlace(e, a);
        Assert.Equal("booked", Data(e).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_hold_writes_held_with_its_expiry_and_confirming_it_writes_confirmed()
    {
        var a = await Insert(Appt(10, AppointmentStatus.Pending, At(7)));
        var confirmed = await _ledger.UpdateStatusAsync(a.Id, 1, AppointmentStatus.Booked, null, false, Now + Duration.FromMinutes(1));
        Assert.Equal(LedgerWriteKind.Updated, confirmed.Kind);

        var events = await EventsOf(a.Id);
        Assert.Equal(new[] { "nmt.appointment.held.v1", "nmt.appointment.confirmed.v1" }, events.Select(e => e.Type));
        Assert.Equal(At(7), Instant.FromDateTimeOffset(Data(events[0]).GetProperty("hold_expires_at").GetDateTimeOffset()));
        Assert.Equal(Now + Duration.FromMinutes(1), events[1].OccurredAt);
        Assert.True(events[0].Cursor < events[1].Cursor);
        AssertPlace(events[1], confirmed.Record!);
    }

    [Fact]
    public async Task A_cancellation_writes_cancelled_with_reason_and_lateness()
    {
        var a = await Insert(Appt(11));
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(a.Id, 1, AppointmentStatus.Cancelled, "client-request", true, Now)).Kind);
        var e = (await EventsOf(a.Id))[^1];
        Assert.Equal("nmt.appointment.cancelled.v1", e.Type);
        Assert.Equal("client-request", Data(e).GetProperty("reason").GetString());
        Assert.True(Data(e).GetProperty("late").GetBoolean());
        Assert.Equal("cancelled", Data(e).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(AppointmentStatus.Arrived, "nmt.appointment.arrived.v1")]
    [InlineData(AppointmentStatus.NoShow, "nmt.appointment.no_show.v1")]
    public async Task A_status_change_writes_its_event(AppointmentStatus to, string type)
    {
        var a = await Insert(Appt(12));
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(a.Id, 1, to, null, false, Now)).Kind);
        var e = (await EventsOf(a.Id))[^1];
        Assert.Equal(type, e.Type);
        Assert.Equal(2, Data(e).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Arrival_then_completion_writes_arrived_then_fulfilled()
    {
        var a = await Insert(Appt(13));
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(a.Id, 1, AppointmentStatus.Arrived, null, false, Now)).Kind);
        Assert.Equal(LedgerWriteKind.Updated, (await _ledger.UpdateStatusAsync(a.Id, 2, AppointmentStatus.Fulfilled, null, false, Now)).Kind);
        Assert.Equal(
            new[] { "nmt.appointment.booked.v1", "nmt.appointment.arrived.v1", "nmt.appointment.fulfilled.v1" },
            (await EventsOf(a.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task A_move_writes_rescheduled_with_the_old_and_new_place()
    {
        var a = await Insert(Appt(14));
        var moved = await _ledger.MoveAsync(a.Id, 1, "t2" + _s, "r2", At(16), At(17), At(17), Now);
        Assert.Equal(LedgerWriteKind.Updated, moved.Kind);

        var e = (await EventsOf(a.Id))[^1];
        Assert.Equal("nmt.appointment.rescheduled.v1", e.Type);
        AssertPlace(e, moved.Record!);
        var previous = Data(e).GetProperty("previous");
        Assert.Equal(a.TherapistId, previous.GetProperty("therapist_id").GetString());
        Assert.Equal("r1", previous.GetProperty("room_id").GetString());
        Assert.Equal(a.Start, Instant.FromDateTimeOffset(previous.GetProperty("start").GetDateTimeOffset()));
        // Both therapists see the move: the one who lost it and the one who got it.
        Assert.Equal(new[] { "t2" + _s, a.TherapistId }, e.TherapistIds);
    }

    [Fact]
    public async Task A_reassignment_to_another_clinic_is_seen_at_both_clinics()
    {
        var a = await Insert(Appt(15));
        var moved = await _ledger.ReassignAsync(a.Id, 1, "k2" + _s, "t3" + _s, "r9", At(15), At(16), At(16), Now);
        Assert.Equal(LedgerWriteKind.Updated, moved.Kind);
        var e = (await EventsOf(a.Id))[^1];
        Assert.Equal("nmt.appointment.rescheduled.v1", e.Type);
        Assert.Equal(new[] { "k2" + _s, a.ClinicId }, e.ClinicIds);
        Assert.Equal("k2" + _s, e.SourceClinicId);
        Assert.Equal(a.ClinicId, Data(e).GetProperty("previous").GetProperty("clinic_id").GetString());
    }

    [Fact]
    public async Task An_expired_hold_writes_hold_expired()
    {
        var a = await Insert(Appt(17, AppointmentStatus.Pending, At(6, 5)));
        Assert.True(await _ledger.ExpireHoldsAsync(At(6, 10)) >= 1);
        var e = (await EventsOf(a.Id))[^1];
        Assert.Equal("nmt.appointment.hold_expired.v1", e.Type);
        Assert.Equal(At(6, 10), e.OccurredAt);
    }

    [Fact]
    public async Task A_booking_whose_transaction_fails_after_the_event_leaves_neither()
    {
        var a = Appt(18);
        await using (var owner = NpgsqlDataSource.Create(fixture.AsOwner(_cs)))
        {
            // Raises after the event row is inserted, so the failure is the event's own statement's, inside the booking.
            await using var cmd = owner.CreateCommand($"""
                CREATE FUNCTION outbox_fault_{_s}() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF NEW.subject IN ('{a.Id}') THEN RAISE EXCEPTION 'injected outbox fault'; END IF;
                    RETURN NULL;
                END $fn$;
                CREATE TRIGGER outbox_fault_{_s} AFTER INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION outbox_fault_{_s}();
                """);
            await cmd.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PostgresException>(() => _ledger.InsertAsync(a, Now));
        Assert.Null(await _ledger.GetAsync(a.Id));
        Assert.Empty(await EventsOf(a.Id));
    }

    [Fact]
    public async Task A_status_change_whose_transaction_fails_after_the_event_leaves_the_row_and_no_event()
    {
        var a = await Insert(Appt(19));
        await using (var owner = NpgsqlDataSource.Create(fixture.AsOwner(_cs)))
        {
            await using var cmd = owner.CreateCommand($"""
                CREATE FUNCTION outbox_fault2_{_s}() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF NEW.subject = '{a.Id}' AND NEW.type = 'nmt.appointment.cancelled.v1' THEN RAISE EXCEPTION 'injected outbox fault'; END IF;
                    RETURN NULL;
                END $fn$;
                CREATE TRIGGER outbox_fault2_{_s} AFTER INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION outbox_fault2_{_s}();
                """);
            await cmd.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PostgresException>(() => _ledger.UpdateStatusAsync(a.Id, 1, AppointmentStatus.Cancelled, "x", false, Now));
        Assert.Equal(AppointmentStatus.Booked, (await _ledger.GetAsync(a.Id))!.Status);
        Assert.Equal(new[] { "nmt.appointment.booked.v1" }, (await EventsOf(a.Id)).Select(e => e.Type));
    }

    [Fact]
    public async Task A_reader_waits_at_a_hole_a_running_transaction_may_fill_and_then_gets_both_in_order()
    {
        var before = (await _outbox.ReadAsync(0, 10_000)).ScannedTo;
        await using var slow = await _ds.OpenConnectionAsync();
        await using var tx = await slow.BeginTransactionAsync();
        var early = await AppendOn(slow, tx, "early-" + _s);

        // A later event commits first: the reader must not hand it out past the running transaction's cursor.
        var late = await _outbox.AppendAsync(Event("late-" + _s));
        Assert.True(late > early);
        var blocked = await _outbox.ReadAsync(before, 100);
        Assert.DoesNotContain(blocked.Events, e => e.Subject == "late-" + _s);
        Assert.True(blocked.ScannedTo < early);

        await tx.CommitAsync();
        var page = await ReadUntilAsync(before, p => p.Events.Any(e => e.Subject == "late-" + _s));
        Assert.Equal(new[] { "early-" + _s, "late-" + _s }, page.Events.Select(e => e.Subject).Where(s => s.EndsWith(_s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_hole_left_by_a_rollback_is_passed_once_the_transaction_is_over()
    {
        var before = (await _outbox.ReadAsync(0, 10_000)).ScannedTo;
        await using (var slow = await _ds.OpenConnectionAsync())
        {
            await using var tx = await slow.BeginTransactionAsync();
            await AppendOn(slow, tx, "rolled-back-" + _s);
            await _outbox.AppendAsync(Event("after-" + _s));
            await tx.RollbackAsync();
        }

        var page = await ReadUntilAsync(before, p => p.Events.Any(e => e.Subject == "after-" + _s));
        Assert.Equal(new[] { "after-" + _s }, page.Events.Select(e => e.Subject));
        Assert.Equal(page.Events[^1].Cursor, page.ScannedTo);
    }

    [Fact]
    public async Task A_dedupe_key_appends_once_and_prune_deletes_what_is_older_than_the_cutoff()
    {
        var key = "dedupe-" + _s;
        Assert.NotNull(await _outbox.AppendAsync(Event("d-" + _s) with { DedupeKey = key }));
        Assert.Null(await _outbox.AppendAsync(Event("d-" + _s) with { DedupeKey = key }));
        Assert.Single((await _outbox.ReadAsync(0, 10_000)).Events, e => e.Subject == "d-" + _s);

        // recorded_at is the database's commit-side time: a cutoff an hour ahead takes everything, one behind nothing.
        var serverNow = SystemClock.Instance.GetCurrentInstant();
        Assert.Equal(0, await _outbox.PruneAsync(serverNow - Duration.FromHours(1)));
        Assert.True(await _outbox.PruneAsync(serverNow + Duration.FromHours(1)) >= 1);
        Assert.Empty((await _outbox.ReadAsync(0, 10_000)).Events);
    }

    /// <summary>
    /// Reads until <paramref name="done"/>: a hole is passed once every transaction that was running when the row after
    /// it was written is over, which another test's transaction elsewhere on the shared server can delay briefly.
    /// 10 s is far beyond any such transaction.
    /// </summary>
    private async Task<OutboxPage> ReadUntilAsync(long after, Func<OutboxPage, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var page = await _outbox.ReadAsync(after, 100);
            if (done(page) || DateTime.UtcNow > deadline)
            {
                return page;
            }
            await Task.Delay(50);
        }
    }

    private NewOutboxEvent Event(string subject) =>
        new("nmt.therapist.roster_changed.v1", "k1" + _s, ["k1" + _s], ["t1" + _s], subject, Now, "{\"therapist_id\":\"t1\"}");

    private static async Task<long> AppendOn(NpgsqlConnection conn, NpgsqlTransaction tx, string subject)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT outbox_append('nmt.therapist.roster_changed.v1', 'k1', ARRAY['k1'], ARRAY['t1'], $1, now(), '{}'::jsonb)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = subject });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
