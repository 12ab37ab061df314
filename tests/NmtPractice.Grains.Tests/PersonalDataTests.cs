using NmtPractice.Domain.Records;
using NmtPractice.Grains.Cover;
using NmtPractice.Grains.Records;
using NmtPractice.Persistence;
using NmtPractice.Persistence.Records;
using Npgsql;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// Personal data (docs/security.md, "Personal data"): an erased client leaves no name, phone or e-mail in any table or
/// grain state; cover plans store client ids only and audit each showing of contact details; a client change, a
/// new booking, a status change and a move commit with their audit rows or not at all.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PersonalDataTests(ClusterFixture fixture)
{
    private static readonly Caller Admin = new("admin-personal-data", Role.ChainAdmin, [], null, "10.0.9.1:4000");

    private ICoverGrain Cover => fixture.Grains.GetGrain<ICoverGrain>(0);

    private IClientGrain ClientGrain(string id) => fixture.Grains.GetGrain<IClientGrain>(GrainKeys.Client(id));

    [Fact]
    public async Task An_erased_client_leaves_no_name_phone_or_email_in_any_table_or_grain_state()
    {
        CallerContext.Clear();
        var s = Guid.NewGuid().ToString("N")[..8];
        var digits = Random.Shared.Next(100_000, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Letters only in the names (never part of a UUID, a hash or hex); the phone as written, with its space, in the
        // form System.Text.Json keeps even when it escapes the '+'.
        var given = "Quillonexa";
        var family = "Vantabrisk" + new string(s.Select(c => (char)('a' + (c % 26))).ToArray());
        var phone = "+44 7700 " + digits;
        var email = $"{given}.{family}@example.org".ToLowerInvariant();
        string[] needles = [given, family, "7700 " + digits, email];

        var chain = new GrainChain(fixture.Grains, s);
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = new Client(chain.Id("erase-me"), given, family, phone, email, new LocalDate(1981, 3, 14));
        Assert.True((await ClientGrain(client.Id).Register(client)).IsOk);
        var date = GrainChain.FutureDate(27);
        var booked = await chain.Book(clinic.Id, therapist.Id, client.Id, GrainChain.At(date, 10));
        Assert.True(booked.IsOk, booked.Refusal?.Message);

        // Free text that repeats the personal data: intake, a note, a consent.
        var record = fixture.Grains.GetGrain<IClientRecordGrain>(GrainKeys.Client(client.Id));
        CallerContext.Set(new Caller("user-" + therapist.Id, Role.Therapist, [clinic.Id], therapist.Id, "10.0.9.2:4000"));
        Assert.True((await record.UpdateIntake(new IntakeUpdate($"{given} {family}, call {phone}", [], null, null))).IsOk);
        var note = await record.CreateNote(booked.Value!.Id, new NoteContent(
            $"{family} reports neck pain; e-mail {email}", [], 6, 3, [], "compression", 30, [], "eased", "stretch"));
        Assert.True(note.IsOk, note.Refusal?.Message);
        Assert.True((await record.RecordConsent("treatment")).IsOk);

        // The therapist is off sick and nobody can cover: the plan names the client to contact, read from the directory.
        var manager = new Caller("mgr-" + clinic.Id, Role.ClinicManager, [clinic.Id], null, "10.0.9.3:4000");
        CallerContext.Set(manager);
        var plan = (await Cover.ReportAbsence(new AbsenceReport(Guid.NewGuid().ToString(), therapist.Id, GrainChain.At(date, 0),
            GrainChain.At(date.PlusDays(1), 0), RosterExceptionKind.Sickness, "flu", 0))).Value!;
        var item = Assert.Single(plan.Items);
        Assert.Equal((client.Id, $"{given} {family}", phone), (item.ClientId, item.ClientName, item.ClientPhone));
        var shown = (await fixture.Grains.GetGrain<ICoverPlanGrain>(plan.PlanId).Read())!;
        Assert.Equal(($"{given} {family}", phone), (shown.Items[0].ClientName, shown.Items[0].ClientPhone));
        var stored = (await fixture.Grains.GetGrain<ICoverPlanGrain>(plan.PlanId).Get())!;
        Assert.Equal(("", null), (stored.Items[0].ClientName, stored.Items[0].ClientPhone));

        // Each showing is an audited contact read by the caller, in the appointment's clinic.
        var reads = (await AuditOf(client.Id)).Where(r => r.Entry.Action == CoverContacts.ReadAction).ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal((manager.Subject, "clinic-manager", clinic.Id, "client", client.Id),
            (r.Entry.ActorSubject, r.Entry.ActorRole, r.Entry.ClinicId, r.Entry.TargetKind, r.Entry.TargetId)));

        // The search below finds what is there: before erasure, the directory, intake and note; never the plan's state.
        var before = await TablesHolding(needles);
        Assert.Contains("public.client_directory", before);
        Assert.Contains("public.client_intake", before);
        Assert.Contains("public.session_notes", before);
        Assert.DoesNotContain("public.orleans_storage", before);

        CallerContext.Set(Admin);
        Assert.True((await chain.Appointment(booked.Value.Id).Cancel("client-request")).IsOk);
        var erased = await record.Erase();
        Assert.True(erased.IsOk, erased.Refusal?.Message);

        var after = await TablesHolding(needles);
        Assert.True(after.Count == 0, "erased client's data still in: " + string.Join(", ", after));
        // And in the grains: the client, the plan as shown, the directory search.
        Assert.Null(await ClientGrain(client.Id).Get());
        var shownAfter = (await fixture.Grains.GetGrain<ICoverPlanGrain>(plan.PlanId).Read())!;
        Assert.Equal((client.Id, (string?)null), (shownAfter.Items[0].ClientName, shownAfter.Items[0].ClientPhone));
        Assert.Empty(await fixture.Grains.GetGrain<IClientDirectoryGrain>(0).Search(new ClientSearch(family, null, null, 10, null)));
        Assert.Empty(await fixture.Grains.GetGrain<IClientDirectoryGrain>(0).Search(new ClientSearch(null, null, email, 10, null)));
        Assert.Equal(RefusalReason.Erased, (await ClientGrain(client.Id).Register(client)).Refusal?.Reason);
        CallerContext.Clear();
    }

    [Fact]
    public async Task A_client_change_whose_audit_row_fails_is_not_stored_and_the_caller_gets_an_error()
    {
        CallerContext.Clear();
        var s = Guid.NewGuid().ToString("N")[..8];
        var prefix = $"auditfault-{s}-";
        var kept = new Client(prefix + "kept", "Kept", "Before", "+44 20 7946 0101", null, null);
        Assert.True((await ClientGrain(kept.Id).Register(kept)).IsOk);
        var added = new Client(prefix + "new", "Never", "Stored", null, "never@example.org", null);

        await using (await AuditFault.CreateAsync(fixture.OwnerConnectionString, s, $"NEW.client_id LIKE '{prefix}%'"))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => ClientGrain(kept.Id).Update(kept with { FamilyName = "After", Phone = null }));
            await Assert.ThrowsAnyAsync<Exception>(() => ClientGrain(added.Id).Register(added));

            // Neither the directory (the stored client) nor the grain changed.
            Assert.Equal(kept, (await Directory(kept.Id)).Client);
            Assert.Equal(kept, await ClientGrain(kept.Id).Get());
            Assert.Equal(new StoredClient(null, false), await Directory(added.Id));
            Assert.Null(await ClientGrain(added.Id).Get());
        }

        // Once the audit trail accepts rows again, the same changes go through, each with its row.
        Assert.True((await ClientGrain(kept.Id).Update(kept with { FamilyName = "After" })).IsOk);
        Assert.True((await ClientGrain(added.Id).Register(added)).IsOk);
        Assert.Equal("After", (await Directory(kept.Id)).Client!.FamilyName);
        Assert.Equal(added, (await Directory(added.Id)).Client);
        Assert.Equal(["client.register", "client.update"], (await AuditOf(kept.Id)).Select(r => r.Entry.Action));
        Assert.Equal(["client.register"], (await AuditOf(added.Id)).Select(r => r.Entry.Action));
    }

    [Fact]
    public async Task A_booking_whose_audit_row_fails_is_not_stored_and_an_acknowledged_one_has_its_row()
    {
        CallerContext.Clear();
        var s = Guid.NewGuid().ToString("N")[..8];
        var chain = new GrainChain(fixture.Grains, "auditfault-" + s);
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var start = GrainChain.At(GrainChain.FutureDate(28), 11);
        var requestId = "audit-fault-" + s;

        await using (await AuditFault.CreateAsync(fixture.OwnerConnectionString, s, $"NEW.action = 'booking.book' AND NEW.client_id = '{client.Id}'"))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => chain.Book(clinic.Id, therapist.Id, client.Id, start, requestId: requestId));
            Assert.Null(await fixture.Ledger.GetByRequestIdAsync(requestId));
        }

        CallerContext.Set(Admin);
        var booked = await chain.Book(clinic.Id, therapist.Id, client.Id, start, requestId: requestId);
        CallerContext.Clear();
        Assert.True(booked.IsOk, booked.Refusal?.Message);
        var row = Assert.Single(await AuditOf(client.Id), r => r.Entry.Action == "booking.book");
        Assert.Equal((Admin.Subject, booked.Value!.Id, clinic.Id), (row.Entry.ActorSubject, row.Entry.AppointmentId, row.Entry.ClinicId));
    }

    [Fact]
    public async Task A_status_change_or_move_whose_audit_row_fails_is_not_applied_and_an_applied_one_has_exactly_one_row()
    {
        CallerContext.Clear();
        var s = Guid.NewGuid().ToString("N")[..8];
        var chain = new GrainChain(fixture.Grains, "auditchange-" + s);
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var date = GrainChain.FutureDate(29);
        var booked = await chain.Book(clinic.Id, therapist.Id, client.Id, GrainChain.At(date, 10));
        Assert.True(booked.IsOk, booked.Refusal?.Message);
        var id = booked.Value!.Id;
        var appointment = chain.Appointment(id);
        var move = new RescheduleRequest(GrainChain.At(date, 14), RequestId: "audit-move-" + s);

        CallerContext.Set(Admin);
        await using (await AuditFault.CreateAsync(fixture.OwnerConnectionString, s, $"NEW.appointment_id = '{id}'"))
        {
            // The caller gets an error and nothing changed: not the row, and no request id was used up (below).
            await Assert.ThrowsAnyAsync<Exception>(() => appointment.Reschedule(move));
            await Assert.ThrowsAnyAsync<Exception>(() => appointment.Cancel("client-request", "audit-cancel-" + s));
            Assert.Equal(booked.Value, await fixture.Ledger.GetAsync(id));
        }
        Assert.Equal(["booking.book"], (await AuditOf(client.Id)).Where(r => r.Entry.AppointmentId == id).Select(r => r.Entry.Action));

        // The same requests again, now that audit rows are taken: applied, one row each; their retries replay, no row.
        var moved = await appointment.Reschedule(move);
        Assert.True(moved.IsOk, moved.Refusal?.Message);
        var cancelled = await appointment.Cancel("client-request", "audit-cancel-" + s);
        Assert.True(cancelled.IsOk, cancelled.Refusal?.Message);
        Assert.Equal(cancelled.Value, (await appointment.Cancel("client-request", "audit-cancel-" + s)).Value);
        Assert.Equal(moved.Value, (await appointment.Reschedule(move)).Value);
        CallerContext.Clear();
        var rows = (await AuditOf(client.Id)).Where(r => r.Entry.AppointmentId == id && r.Entry.Action != "booking.book").ToList();
        Assert.Equal(["booking.cancel", "booking.reschedule"], rows.Select(r => r.Entry.Action).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal((Admin.Subject, (Guid?)id, clinic.Id), (r.Entry.ActorSubject, r.Entry.AppointmentId, r.Entry.ClinicId)));
        // Each row tells the status as its change left it (the detail is built before the write, from what it writes).
        string? Status(string action) =>
            System.Text.Json.JsonDocument.Parse(rows.Single(r => r.Entry.Action == action).Entry.Detail!).RootElement.GetProperty("status").GetString();
        Assert.Equal(("booked", "cancelled"), (Status("booking.reschedule"), Status("booking.cancel")));
    }

    private async Task<StoredClient> Directory(string clientId)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        return await new ClientDirectory(dataSource).GetAsync(clientId);
    }

    private async Task<IReadOnlyList<AuditRow>> AuditOf(string clientId)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        return await new AuditLog(dataSource).QueryAsync(new AuditQuery(ClientId: clientId), 500);
    }

    /// <summary>
    /// Every table of the database (any schema but the system's) with a row holding one of <paramref name="needles"/>,
    /// case-insensitively: each row as text, plus every bytea column decoded (Orleans grain state is UTF-8 JSON in
    /// orleans_storage.payload_binary, which the row's text shows only as hex).
    /// </summary>
    private async Task<IReadOnlyList<string>> TablesHolding(IReadOnlyList<string> needles)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        var tables = new List<(string Schema, string Table, List<string> ByteaColumns)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT t.table_schema, t.table_name,
                   coalesce(array_agg(c.column_name::text ORDER BY c.ordinal_position) FILTER (WHERE c.data_type = 'bytea'), '{}')
              FROM information_schema.tables t
              LEFT JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name
             WHERE t.table_type = 'BASE TABLE' AND t.table_schema NOT IN ('pg_catalog', 'information_schema')
             GROUP BY t.table_schema, t.table_name
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetString(1), [.. reader.GetFieldValue<string[]>(2)]));
            }
        }
        Assert.True(tables.Count >= 10, $"only {tables.Count} tables found");
        var patterns = needles.Select(n => "%" + n.Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%").ToArray();
        var holding = new List<string>();
        foreach (var (schema, table, bytea) in tables)
        {
            var text = string.Join(" || ' ' || ", ["t::text", .. bytea.Select(c => $"coalesce(encode(t.{Quote(c)}, 'escape'), '')")]);
#pragma warning disable CA2100 // Table and column names from the catalogue, quoted; the needles are parameters.
            await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {Quote(schema)}.{Quote(table)} t WHERE ({text}) ILIKE ANY($1))");
#pragma warning restore CA2100
            command.Parameters.Add(new NpgsqlParameter { Value = patterns });
            if (await command.ExecuteScalarAsync() is true)
            {
                holding.Add($"{schema}.{table}");
            }
        }
        return holding;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A fault injected in the audit trail: a trigger (created over the owner's connection) that makes every audit_log
    /// insert matching <c>condition</c> raise. Dropped on dispose.
    /// </summary>
    private sealed class AuditFault : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _dataSource;
        private readonly string _name;

        private AuditFault(NpgsqlDataSource dataSource, string name) => (_dataSource, _name) = (dataSource, name);

        public static async Task<AuditFault> CreateAsync(string connectionString, string suffix, string condition)
        {
            var fault = new AuditFault(NpgsqlDataSource.Create(connectionString), "audit_fault_" + suffix);
#pragma warning disable CA2100 // Test-made names and conditions.
            await using var command = fault._dataSource.CreateCommand($"""
                CREATE FUNCTION {fault._name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF {condition} THEN
                        RAISE EXCEPTION 'injected audit fault';
                    END IF;
                    RETURN NEW;
                END
                $fn$;
                CREATE TRIGGER {fault._name} BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION {fault._name}();
                """);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
            return fault;
        }

        public async ValueTask DisposeAsync()
        {
#pragma warning disable CA2100
            await using (var command = _dataSource.CreateCommand($"DROP TRIGGER {_name} ON audit_log; DROP FUNCTION {_name}();"))
#pragma warning restore CA2100
            {
                await command.ExecuteNonQueryAsync();
            }
            await _dataSource.DisposeAsync();
        }
    }
}
