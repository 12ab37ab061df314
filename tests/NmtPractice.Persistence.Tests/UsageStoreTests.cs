using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Reports;
using NmtPractice.Persistence.Reports;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// Incrementally maintained usage (0003_usage) against real PostgreSQL: every fast read equals the plain query over
/// the raw ledger, before and after compaction and rebuild, under random bookings, status changes and moves, and
/// under concurrent writers. Each test uses its own database (rebuild and compaction are database-wide).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UsageStoreTests(PostgresFixture fixture)
{
    private const string London = "Europe/London";
    private const string NewYork = "America/New_York";
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 1, 0, 0);

    private static readonly string[] Clinics = ["lon", "nyc"];

    private async Task<NpgsqlDataSource> FreshDatabaseAsync()
    {
        var cs = await fixture.CreateDatabaseAsync("usage");
        return NpgsqlDataSource.Create(cs);
    }

    private static NewAppointment Appt(
        string clinic, string room, string therapist, string client, Instant start, int minutes, int turnover,
        AppointmentStatus status = AppointmentStatus.Booked, string service = "svc") =>
        new(Guid.NewGuid(), "req-" + Guid.NewGuid().ToString("N"), clinic, therapist, room, client, service,
            start, start + Duration.FromMinutes(minutes), start + Duration.FromMinutes(minutes + turnover), status,
            status == AppointmentStatus.Pending ? start : null);

    private static Instant Local(string zone, int y, int m, int d, int h, int min) =>
        new LocalDateTime(y, m, d, h, min).InZoneLeniently(DateTimeZoneProviders.Tzdb[zone]).ToInstant();

    [Fact]
    public async Task Hours_split_on_the_wall_clock_and_a_day_when_clocks_go_back_has_a_double_hour()
    {
        await using var ds = await FreshDatabaseAsync();
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        await store.RegisterClinicAsync("lon", London);

        // 2026-10-25 London: 00:30 BST (23:30Z the day before) to 02:30 GMT (02:30Z) is three real hours.
        var start = Instant.FromUtc(2026, 10, 24, 23, 30);
        Assert.Equal(LedgerWriteKind.Inserted, (await ledger.InsertAsync(Appt("lon", "r1", "t1", "c1", start, 180, 15), Now)).Kind);

        var expected = new[]
        {
            new HourFigures("lon", new LocalDate(2026, 10, 25), 0, 30),
            new HourFigures("lon", new LocalDate(2026, 10, 25), 1, 120),
            new HourFigures("lon", new LocalDate(2026, 10, 25), 2, 30),
        };
        var day = new LocalDate(2026, 10, 25);
        Assert.Equal(expected, await store.ClinicHoursAsync(["lon"], day, day));
        Assert.Equal(expected, await new PlainReportQueries(ds).ClinicHoursAsync(["lon"], day, day));
        Assert.Equal([new RoomDayFigures("lon", "r1", day, 180, 15, 1)], await store.RoomDaysAsync(["lon"], day, day));
        Assert.True(await store.CompactAsync() > 0);
        Assert.Equal(expected, await store.ClinicHoursAsync(["lon"], day, day));
        Assert.Equal([new RoomDayFigures("lon", "r1", day, 180, 15, 1)], await store.RoomDaysAsync(["lon"], day, day));
        // The day before holds nothing: the appointment counts on the local date of its start.
        Assert.Empty(await store.RoomDaysAsync(["lon"], day.PlusDays(-1), day.PlusDays(-1)));
    }

    [Fact]
    public async Task Status_changes_cancellations_and_expired_holds_move_the_counts()
    {
        await using var ds = await FreshDatabaseAsync();
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        await store.RegisterClinicAsync("lon", London);
        var day = new LocalDate(2026, 6, 1);
        var nine = Local(London, 2026, 6, 1, 9, 0);

        var a = (await ledger.InsertAsync(Appt("lon", "r1", "t1", "c1", nine, 60, 15), Now)).Record!;
        var b = (await ledger.InsertAsync(Appt("lon", "r1", "t1", "c2", nine + Duration.FromMinutes(90), 45, 15), Now)).Record!;
        var hold = (await ledger.InsertAsync(Appt("lon", "r2", "t2", "c3", nine, 30, 0, AppointmentStatus.Pending), Now)).Record!;
        Assert.Equal(LedgerWriteKind.Updated, (await ledger.UpdateStatusAsync(a.Id, 1, AppointmentStatus.NoShow, null, false, Now)).Kind);
        Assert.Equal(LedgerWriteKind.Updated, (await ledger.UpdateStatusAsync(b.Id, 1, AppointmentStatus.Cancelled, "client", true, Now)).Kind);
        Assert.Equal(1, await ledger.ExpireHoldsAsync(nine + Duration.FromMinutes(1)));

        Assert.Equal([new RoomDayFigures("lon", "r1", day, 60, 15, 1)], await store.RoomDaysAsync(["lon"], day, day));
        Assert.Equal([new TherapistDayFigures("lon", "t1", day, 60, 1)], await store.TherapistDaysAsync(["lon"], day, day));
        var counts = new[]
        {
            new StatusFigures("lon", day, "svc", AppointmentStatus.Cancelled, true, 1),
            new StatusFigures("lon", day, "svc", AppointmentStatus.NoShow, false, 1),
        };
        Assert.Equal(counts, await store.StatusCountsAsync(["lon"], day, day));
        Assert.Equal(counts, await new PlainReportQueries(ds).StatusCountsAsync(["lon"], day, day));
        await store.CompactAsync();
        Assert.Equal(counts, await store.StatusCountsAsync(["lon"], day, day));
        Assert.Equal(0, await store.PendingDeltasAsync());
        Assert.Equal([new ClientFigures("lon", 2, 2)], await store.ClientCountsAsync(["lon"], day, day));
        Assert.NotNull(hold);
    }

    [Fact]
    public async Task New_clients_are_those_whose_first_appointment_here_is_in_the_period()
    {
        await using var ds = await FreshDatabaseAsync();
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        await store.RegisterClinicAsync("lon", London);
        await store.RegisterClinicAsync("nyc", NewYork);
        // c1 came in May and again in June; c2 first came in June; c3 came to New York in May, London in June.
        await ledger.InsertAsync(Appt("lon", "r1", "t1", "c1", Local(London, 2026, 5, 4, 9, 0), 60, 0), Now);
        await ledger.InsertAsync(Appt("lon", "r1", "t1", "c1", Local(London, 2026, 6, 1, 9, 0), 60, 0), Now);
        await ledger.InsertAsync(Appt("lon", "r1", "t1", "c2", Local(London, 2026, 6, 2, 9, 0), 60, 0), Now);
        await ledger.InsertAsync(Appt("nyc", "r1", "t9", "c3", Local(NewYork, 2026, 5, 4, 9, 0), 60, 0), Now);
        await ledger.InsertAsync(Appt("lon", "r1", "t1", "c3", Local(London, 2026, 6, 3, 9, 0), 60, 0), Now);
        // An expired hold in May does not make c2 an old client.
        var hold = (await ledger.InsertAsync(Appt("lon", "r2", "t2", "c2", Local(London, 2026, 5, 5, 9, 0), 30, 0, AppointmentStatus.Pending), Now)).Record!;
        await ledger.ExpireHoldsAsync(hold.Start + Duration.FromMinutes(1));

        Assert.Equal(
            [new ClientFigures("lon", 3, 2)],
            await store.ClientCountsAsync(["lon", "nyc"], new LocalDate(2026, 6, 1), new LocalDate(2026, 6, 30)));
        Assert.Equal(
            [new ClientFigures("lon", 1, 1), new ClientFigures("nyc", 1, 1)],
            await store.ClientCountsAsync(["lon", "nyc"], new LocalDate(2026, 5, 1), new LocalDate(2026, 5, 31)));
    }

    [Fact]
    public async Task Registering_a_clinic_counts_its_earlier_appointments_and_an_unknown_zone_changes_nothing()
    {
        await using var ds = await FreshDatabaseAsync();
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        // 23:30 UTC on 1 June is 19:30 in New York (1 June) but 00:30 in London (2 June).
        await ledger.InsertAsync(Appt("k", "r1", "t1", "c1", Instant.FromUtc(2026, 6, 1, 23, 30), 60, 0), Now);
        var june = (new LocalDate(2026, 6, 1), new LocalDate(2026, 6, 30));
        Assert.Empty(await store.RoomDaysAsync(["k"], june.Item1, june.Item2));

        var unknown = await Assert.ThrowsAsync<PostgresException>(() => store.RegisterClinicAsync("k", "Mars/Olympus_Mons"));
        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, unknown.SqlState);
        Assert.Empty(await store.RoomDaysAsync(["k"], june.Item1, june.Item2));

        Assert.True(await store.RegisterClinicAsync("k", NewYork));
        Assert.False(await store.RegisterClinicAsync("k", NewYork));
        Assert.Equal(new LocalDate(2026, 6, 1), Assert.Single(await store.RoomDaysAsync(["k"], june.Item1, june.Item2)).Day);

        Assert.True(await store.RegisterClinicAsync("k", London));
        Assert.Equal(new LocalDate(2026, 6, 2), Assert.Single(await store.RoomDaysAsync(["k"], june.Item1, june.Item2)).Day);
        await AssertExactAsync(ds, ["k"]);
    }

    [Fact]
    public async Task Random_bookings_status_changes_and_moves_keep_usage_equal_to_the_plain_query()
    {
        await using var ds = await FreshDatabaseAsync();
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        await store.RegisterClinicAsync("lon", London);
        await store.RegisterClinicAsync("nyc", NewYork);
        var random = new Random(4242);
        var live = new List<AppointmentRecord>();

        // Days around London's and New York's clock changes; starts on a 15-minute grid through the whole day.
        var days = new[]
        {
            new LocalDate(2026, 3, 7), new LocalDate(2026, 3, 8), new LocalDate(2026, 3, 28), new LocalDate(2026, 3, 29),
            new LocalDate(2026, 3, 31), new LocalDate(2026, 10, 25), new LocalDate(2026, 11, 1),
        };
        for (var round = 0; round < 6; round++)
        {
            var batch = new List<NewAppointment>();
            for (var i = 0; i < 40; i++)
            {
                var clinic = Clinics[random.Next(2)];
                var zone = DateTimeZoneProviders.Tzdb[clinic == "lon" ? London : NewYork];
                var day = days[random.Next(days.Length)];
                var start = day.AtStartOfDayInZone(zone).ToInstant() + Duration.FromMinutes(15 * random.Next(96));
                var status = random.Next(5) == 0 ? AppointmentStatus.Pending : AppointmentStatus.Booked;
                batch.Add(Appt(clinic, "r" + random.Next(4), "t" + random.Next(5), "c" + random.Next(12), start,
                    15 * random.Next(1, 7), 5 * random.Next(4), status, "s" + random.Next(3)) with
                { HoldExpiresAt = status == AppointmentStatus.Pending ? Now + Duration.FromDays(random.Next(2) == 0 ? 1 : 1000) : null });
            }
            foreach (var r in await ledger.InsertManyAsync(batch, Now))
            {
                if (r.Kind == LedgerWriteKind.Inserted)
                {
                    live.Add(r.Record!);
                }
            }

            for (var i = 0; i < 30 && live.Count > 0; i++)
            {
                var pick = random.Next(live.Count);
                var a = live[pick];
                LedgerWriteResult result;
                switch (random.Next(6))
                {
                    case 0:
                        var shift = Duration.FromMinutes(15 * random.Next(-8, 9));
                        result = await ledger.MoveAsync(a.Id, a.Version, "t" + random.Next(5), "r" + random.Next(4),
                            a.Start + shift, a.End + shift, a.RoomFreeAt + shift, Now);
                        break;
                    case 1:
                        result = await ledger.UpdateStatusAsync(a.Id, a.Version, AppointmentStatus.Cancelled, "client", random.Next(2) == 0, Now);
                        break;
                    case 2:
                        result = await ledger.UpdateStatusAsync(a.Id, a.Version, AppointmentStatus.Arrived, null, false, Now);
                        break;
                    case 3:
                        result = await ledger.UpdateStatusAsync(a.Id, a.Version, AppointmentStatus.Fulfilled, null, false, Now);
                        break;
                    case 4:
                        result = await ledger.UpdateStatusAsync(a.Id, a.Version, AppointmentStatus.NoShow, null, false, Now);
                        break;
                    default:
                        result = await ledger.UpdateStatusAsync(a.Id, a.Version, AppointmentStatus.Booked, null, false, Now);
                        break;
                }
                if (result.Record is { } updated)
                {
                    live[pick] = updated;
                }
            }
            if (round == 3)
            {
                Assert.True(await ledger.ExpireHoldsAsync(Now + Duration.FromDays(2)) >= 0);
            }

            await AssertExactAsync(ds, Clinics);
            if (round % 2 == 1)
            {
                Assert.True(await store.CompactAsync() >= 0);
                Assert.Equal(0, await store.PendingDeltasAsync());
                await AssertExactAsync(ds, Clinics);
            }
        }

        Assert.True(await store.RebuildAsync() > 0);
        await AssertExactAsync(ds, Clinics);
        var all = await store.RoomDaysAsync(Clinics, new LocalDate(2026, 3, 1), new LocalDate(2026, 4, 1));
        Assert.True(all.Sum(r => r.Appointments) > 20, "the random walk should leave a fair number of occupying appointments");
    }

    [Fact]
    public async Task A_bulk_load_with_capture_off_is_counted_by_a_rebuild()
    {
        // Turning a trigger off is DDL, the owner's right (the seeder's bulk load runs as the owner), not the application's.
        await using var ds = NpgsqlDataSource.Create(fixture.AsOwner(await fixture.CreateDatabaseAsync("usage")));
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        await store.RegisterClinicAsync("lon", London);
        var day = new LocalDate(2026, 6, 1);
        var nine = Local(London, 2026, 6, 1, 9, 0);
        await ledger.InsertAsync(Appt("lon", "r1", "t1", "c1", nine, 60, 15), Now);

        await store.SetCaptureEnabledAsync(false);
        var batch = Enumerable.Range(1, 8).Select(i => Appt("lon", "r1", "t1", "c" + i, nine + Duration.FromHours(i + 1), 45, 15)).ToList();
        Assert.All(await ledger.InsertManyAsync(batch, Now), r => Assert.Equal(LedgerWriteKind.Inserted, r.Kind));
        await store.SetCaptureEnabledAsync(true);
        Assert.Equal(1, (await store.RoomDaysAsync(["lon"], day, day)).Single().Appointments);

        Assert.Equal(9, await store.RebuildAsync());
        Assert.Equal([new RoomDayFigures("lon", "r1", day, 60 + (8 * 45), 9 * 15, 9)], await store.RoomDaysAsync(["lon"], day, day));
        await AssertExactAsync(ds, ["lon"]);
    }

    [Fact]
    public async Task Concurrent_group_commits_and_compaction_neither_deadlock_nor_lose_a_delta()
    {
        await using var ds = await FreshDatabaseAsync();
        var store = new UsageStore(ds);
        var ledger = new AppointmentLedger(ds);
        await store.RegisterClinicAsync("lon", London);
        var day = new LocalDate(2026, 6, 1);
        var midnight = day.AtStartOfDayInZone(DateTimeZoneProviders.Tzdb[London]).ToInstant();

        using var stop = new CancellationTokenSource();
        var compactions = 0;
        var compactor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await store.CompactAsync() >= 0)
                {
                    Interlocked.Increment(ref compactions);
                }
                await Task.Delay(5);
            }
        });
        // 8 writers, each its own rooms and therapists but all in the same clinic and day, shared clients; every
        // batch touches the same aggregate rows (clinic-day, hours, status counts).
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var rnd = new Random(w);
            for (var b = 0; b < 10; b++)
            {
                var batch = Enumerable.Range(0, 8).Select(i =>
                    Appt("lon", $"r{w}", $"t{w}", $"c{rnd.Next(100)}", midnight + Duration.FromMinutes(15 * ((b * 8) + i)), 15, 0)).ToList();
                var results = await ledger.InsertManyAsync(batch, Now);
                foreach (var r in results.Where(r => r.Kind == LedgerWriteKind.Inserted).Take(2))
                {
                    await ledger.UpdateStatusAsync(r.Record!.Id, 1, AppointmentStatus.Cancelled, "client", false, Now);
                }
            }
        })).ToList();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await compactor;

        Assert.True(compactions > 0);
        await AssertExactAsync(ds, ["lon"]);
        await store.CompactAsync();
        await AssertExactAsync(ds, ["lon"]);
        var total = (await store.RoomDaysAsync(["lon"], day, day)).Sum(r => r.Appointments);
        var cancelled = (await store.StatusCountsAsync(["lon"], day, day)).Where(s => s.Status == AppointmentStatus.Cancelled).Sum(s => s.Appointments);
        Assert.True(total + cancelled > 100);
    }

    private static async Task AssertExactAsync(NpgsqlDataSource ds, IReadOnlyCollection<string> clinics)
    {
        var store = new UsageStore(ds);
        var plain = new PlainReportQueries(ds);
        var from = new LocalDate(2026, 1, 1);
        var to = new LocalDate(2026, 12, 31);
        Assert.Equal(await plain.RoomDaysAsync(clinics, from, to), await store.RoomDaysAsync(clinics, from, to));
        Assert.Equal(await plain.TherapistDaysAsync(clinics, from, to), await store.TherapistDaysAsync(clinics, from, to));
        Assert.Equal(await plain.ClinicHoursAsync(clinics, from, to), await store.ClinicHoursAsync(clinics, from, to));
        Assert.Equal(await plain.StatusCountsAsync(clinics, from, to), await store.StatusCountsAsync(clinics, from, to));
        // A narrower window (its edges cut through the data) agrees too.
        var mid = new LocalDate(2026, 3, 8);
        Assert.Equal(await plain.ClinicHoursAsync(clinics, mid, mid.PlusDays(21)), await store.ClinicHoursAsync(clinics, mid, mid.PlusDays(21)));
        Assert.Equal(await plain.RoomDaysAsync(clinics, mid, mid.PlusDays(21)), await store.RoomDaysAsync(clinics, mid, mid.PlusDays(21)));
    }
}
