using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Records;
using NmtPractice.Persistence.Records;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>Clinical records, the audit trail and erasure against real PostgreSQL (shared nmt_test database, per-test ids).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClientRecordStoreTests : IDisposable
{
    private static readonly Instant Day = Instant.FromUtc(2030, 5, 6, 0, 0);
    private readonly PostgresFixture _fixture;
    private readonly NpgsqlDataSource _ds;
    private readonly ClientRecordStore _store;
    private readonly AuditLog _audit;
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];

    public ClientRecordStoreTests(PostgresFixture fixture)
    {
        _fixture = fixture;
        _ds = fixture.CreateDataSource();
        _store = new ClientRecordStore(_ds);
        _audit = new AuditLog(_ds);
    }

    public void Dispose() => _ds.Dispose();

    private AuditEntry Audit(string action, string? client = null, string outcome = AuditOutcomes.Ok) =>
        new("t-" + _s, "therapist", "k" + _s, action, "record", client, client, null, "127.0.0.1:5000", outcome);

    [Fact]
    public async Task Audit_log_refuses_update_delete_and_truncate()
    {
        await _audit.AppendAsync(Audit("record.read", "c" + _s));
        foreach (var sql in new[]
        {
            $"UPDATE audit_log SET action = 'x' WHERE actor_subject = 't-{_s}'",
            $"DELETE FROM audit_log WHERE actor_subject = 't-{_s}'",
            "TRUNCATE audit_log",
        })
        {
            await using var command = _ds.CreateCommand(sql);
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
        var rows = await _audit.QueryAsync(new AuditQuery(ActorSubject: "t-" + _s), 10);
        Assert.Equal("record.read", Assert.Single(rows).Entry.Action);
    }

    [Fact]
    public async Task Audit_rows_are_filtered_and_paged_in_write_order()
    {
        var client = "c" + _s;
        await _audit.AppendManyAsync([Audit("a.one", client), Audit("a.two", client), Audit("a.three", client, AuditOutcomes.Denied), Audit("a.four", "other" + _s)]);

        var first = await _audit.QueryAsync(new AuditQuery(ClientId: client), 2);
        Assert.Equal(["a.one", "a.two"], first.Select(r => r.Entry.Action));
        var second = await _audit.QueryAsync(new AuditQuery(ClientId: client, AfterId: first[^1].Id), 2);
        Assert.Equal("a.three", Assert.Single(second).Entry.Action);
        Assert.Equal(AuditOutcomes.Denied, second[0].Entry.Outcome);
        Assert.Equal("127.0.0.1:5000", second[0].Entry.Source);
        Assert.Empty(await _audit.QueryAsync(new AuditQuery(ClientId: client, ClinicScope: ["elsewhere"]), 10));
        Assert.Single(await _audit.QueryAsync(new AuditQuery(ClientId: client, Action: "a.two", ClinicScope: ["k" + _s]), 10));
    }

    [Fact]
    public async Task A_signed_note_row_cannot_be_updated_even_directly_and_an_amendment_keeps_it()
    {
        var client = "c" + _s;
        var note = Note(client, Guid.NewGuid(), 4, 2);
        Assert.True(await _store.InsertNoteAsync(note, Audit("note.create", client)));
        var (signed, refusal) = ClinicalRules.Sign(note, note.TherapistId, Day + Duration.FromHours(12));
        Assert.Null(refusal);
        Assert.True(await _store.UpdateDraftAsync(signed!, Audit("note.sign", client)));
        Assert.False(await _store.UpdateDraftAsync(signed! with { Content = signed!.Content with { Complaint = "changed" } }, Audit("note.update", client)));

        await using (var command = _ds.CreateCommand($"UPDATE session_notes SET pain_after = 0 WHERE client_id = '{client}'"))
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        }

        var (amended, _) = ClinicalRules.Amend(signed!, note.TherapistId, signed!.Content with { PainAfter = 1 }, "pain after re-assessed", Day + Duration.FromHours(13));
        Assert.True(await _store.InsertNoteAsync(amended!, Audit("note.amend", client)));
        Assert.False(await _store.InsertNoteAsync(amended!, Audit("note.amend", client)));
        Assert.Equal(2, (await _store.GetNoteAsync(client, note.NoteId, null))!.Version);
        var original = await _store.GetNoteAsync(client, note.NoteId, 1);
        Assert.Equal(2, original!.Content.PainAfter);
        Assert.Equal(NoteStatus.Signed, original.Status);
        Assert.Equal(["note.create", "note.sign", "note.amend"], (await _audit.QueryAsync(new AuditQuery(ClientId: client), 10)).Select(r => r.Entry.Action));
    }

    [Fact]
    public async Task Erasure_removes_personal_data_and_keeps_the_ledger_aggregates()
    {
        var ledger = new AppointmentLedger(_ds);
        var clinic = "k" + _s;
        var client = "c" + _s;
        var other = "o" + _s;
        var rows = new List<(string Client, string Room, int Hour, AppointmentStatus Final)>
        {
            (client, "r1", 9, AppointmentStatus.Fulfilled), (client, "r2", 11, AppointmentStatus.Cancelled), (client, "r1", 13, AppointmentStatus.NoShow),
            (other, "r2", 9, AppointmentStatus.Fulfilled), (other, "r1", 11, AppointmentStatus.Booked),
        };
        foreach (var (who, room, hour, final) in rows)
        {
            var start = Day + Duration.FromHours(hour);
            var write = await ledger.InsertAsync(new NewAppointment(Guid.NewGuid(), "req-" + Guid.NewGuid().ToString("N"), clinic, "t" + who, room, who, "svc",
                start, start + Duration.FromMinutes(60), start + Duration.FromMinutes(75), AppointmentStatus.Booked, null), Day);
            if (final != AppointmentStatus.Booked)
            {
                var done = await ledger.UpdateStatusAsync(write.Record!.Id, write.Record.Version, final, final == AppointmentStatus.Cancelled ? "client ill" : null, false, start + Duration.FromMinutes(90));
                Assert.True(done.Succeeded);
            }
        }
        await _store.SaveIntakeAsync(new Intake(client, "whiplash 2019", ["recent-surgery"], null, null, "t1", Day), Audit("intake.update", client));
        await _store.AddConsentAsync(new Consent(Guid.NewGuid(), client, "treatment", Day, "fd", null, null), Audit("consent.record", client));
        await _store.InsertNoteAsync(Note(client, Guid.NewGuid(), 5, 3), Audit("note.create", client));
        await new ClientDirectory(_ds).UpsertAsync(new Domain.Clients.Client(client, "Erin", "Erasable" + _s, "+44 20 7946 0000", null, null), Day);
        var before = await Aggregates(clinic);

        var result = await _store.EraseAsync(client, "erased-" + Guid.NewGuid().ToString("N"), Day + Duration.FromDays(1), Audit("client.erase", client));

        Assert.Equal((1, 1, true, 3), (result.Notes, result.Consents, result.Intake, result.Appointments));
        Assert.Equal(before, await Aggregates(clinic));
        Assert.Null(await _store.GetIntakeAsync(client));
        Assert.Empty(await _store.ListConsentsAsync(client));
        Assert.Empty(await _store.ListLatestNotesAsync(client));
        Assert.Empty(await new ClientDirectory(_ds).SearchAsync("erasable" + _s, null, null, 10));
        Assert.Empty(await ledger.ListForClientAsync(client, Day, Day + Duration.FromDays(1)));
        Assert.Equal(3, (await ledger.ListForClientAsync(result.Pseudonym, Day, Day + Duration.FromDays(1))).Count);
        Assert.True(await _store.IsErasedAsync(client));
        Assert.Equal("client.erase", (await _audit.QueryAsync(new AuditQuery(ClientId: client), 10))[^1].Entry.Action);
    }

    [Fact]
    public async Task Record_migrations_run_again_without_harm()
    {
        // Migrations are DDL: the owner role runs them, not the application's.
        await using var owner = NpgsqlDataSource.Create(_fixture.OwnerConnectionString);
        foreach (var migration in Migrator.LoadEmbedded().Where(m => m.Name is "0005_client_records" or "0006_audit"))
        {
#pragma warning disable CA2100 // Our own embedded scripts.
            await using var command = owner.CreateCommand(migration.Sql);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }
        await using var triggers = _ds.CreateCommand(
            "SELECT count(*) FROM pg_trigger WHERE tgname IN ('audit_log_no_update_delete', 'audit_log_no_truncate', 'session_notes_signed_is_final')");
        Assert.Equal(3L, await triggers.ExecuteScalarAsync());
    }

    /// <summary>What reports read from the ledger: per clinic, room, day and status, the count, minutes and distinct clients.</summary>
    private async Task<string> Aggregates(string clinic)
    {
        await using var command = _ds.CreateCommand("""
            SELECT string_agg(format('%s/%s/%s/%s:%s:%s:%s', clinic_id, room_id, d, status, n, minutes, clients), ';' ORDER BY room_id, d, status)
              FROM (SELECT clinic_id, room_id, (starts_at AT TIME ZONE 'UTC')::date AS d, status, count(*) AS n,
                           sum(extract(epoch FROM ends_at - starts_at) / 60) AS minutes, count(DISTINCT client_id) AS clients
                      FROM appointments WHERE clinic_id = $1 GROUP BY 1, 2, 3, 4) s
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = clinic });
        var text = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("noshow:1", text, StringComparison.Ordinal);
        return text;
    }

    private SessionNote Note(string client, Guid appointment, int before, int after) =>
        new(Guid.NewGuid(), 1, client, appointment, "k" + _s, "t" + _s, Day + Duration.FromHours(9), NoteStatus.Draft,
            new NoteContent("neck pain", ["tingling"], before, after, [new TriggerPoint("upper trapezius", "left", "mid-belly", "temple")],
                "ischaemic compression", 30, ["t-bar"], "pain eased", "stretch twice daily"),
            Day, Day, null, null, null, null);
}
