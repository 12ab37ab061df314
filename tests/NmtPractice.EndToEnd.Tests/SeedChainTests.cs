using Microsoft.Extensions.DependencyInjection;
using AppointmentRecord = NmtPractice.Domain.Appointments.AppointmentRecord;
using AppointmentStatus = NmtPractice.Domain.Appointments.AppointmentStatus;
using NmtPractice.Domain.Scheduling;
using NmtPractice.Grains.Abstractions;
using NmtPractice.Grains.Abstractions.Config;
using NmtPractice.Persistence;
using NmtPractice.Persistence.Reports;
using NmtPractice.Server;
using NmtPractice.Server.Seeding;
using NmtPractice.Testing;
using Orleans;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>The large-chain generator, at a small scale: what it generates, and what the seed command leaves in the database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SeedChainTests(PostgresFixture postgres)
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 15, 12, 0);

    private static readonly SeedOptions Small = new()
    {
        Clinics = 2, RoomsPerClinic = 3, Therapists = 6, Clients = 300, Appointments = 1500, Days = 60, FutureDays = 14, Seed = 7,
    };

    private static GeneratedChain ChainFor(SeedOptions o, Instant now)
    {
        var today = now.InUtc().Date;
        return new GeneratedChain(o, today.PlusDays(o.FutureDays - o.Days), today.PlusDays(o.FutureDays - 1));
    }

    [Fact]
    public void Generated_appointments_are_exactly_as_many_as_asked_inside_rosters_and_opening_hours_and_never_overlap()
    {
        var chain = ChainFor(Small, Now);
        var rows = new AppointmentGenerator(chain, Now).Generate().ToList();

        Assert.Equal(Small.Appointments, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.RequestId).Distinct().Count());
        foreach (var a in rows)
        {
            var clinic = chain.Clinics.Single(c => c.Id == a.ClinicId);
            var service = clinic.FindService(a.ServiceId)!;
            var therapist = chain.Therapists.Single(t => t.Id == a.TherapistId);
            var room = clinic.FindRoom(a.RoomId)!;
            Assert.Equal(a.Start + service.Duration, a.End);
            Assert.Equal(a.End + service.Turnover, a.RoomFreeAt);
            Assert.Null(BookingRules.CheckPlacement(clinic, service, therapist, new Interval(a.Start, a.End), a.Start));
            Assert.Null(BookingRules.CheckRoom(room, service, new Interval(a.Start, a.RoomFreeAt)));
            Assert.Contains(clinic.OpenIntervals(clinic.LocalDateOf(a.Start)), o => o.Start <= a.Start && a.RoomFreeAt <= o.End);
            Assert.True(a.CreatedAt <= Now && a.CreatedAt < a.Start && a.UpdatedAt >= a.CreatedAt);
        }
        // Stronger than the ledger's constraints: no overlap among any rows, whatever their status.
        Assert.Equal(0, Overlaps(rows, a => a.TherapistId, a => a.End));
        Assert.Equal(0, Overlaps(rows, a => a.ClinicId + "/" + a.RoomId, a => a.RoomFreeAt));
        Assert.Equal(0, Overlaps(rows, a => a.ClientId, a => a.End));
    }

    [Fact]
    public void Status_follows_time_with_realistic_no_shows_and_cancellations_and_the_seed_decides_everything()
    {
        var chain = ChainFor(Small, Now);
        var rows = new AppointmentGenerator(chain, Now).Generate().ToList();
        var past = rows.Where(a => a.End <= Now).ToList();
        var future = rows.Where(a => a.Start > Now).ToList();

        Assert.All(past, a => Assert.Contains(a.Status, new[] { AppointmentStatus.Fulfilled, AppointmentStatus.NoShow, AppointmentStatus.Cancelled }));
        Assert.All(future, a => Assert.Contains(a.Status, new[] { AppointmentStatus.Booked, AppointmentStatus.Cancelled }));
        Assert.All(rows.Where(a => a.Start <= Now && Now < a.End), a => Assert.Equal(AppointmentStatus.Arrived, a.Status));
        Assert.InRange(Share(past, AppointmentStatus.NoShow), 0.02, 0.09);
        Assert.InRange(Share(past, AppointmentStatus.Cancelled), 0.07, 0.16);
        Assert.InRange(Share(future, AppointmentStatus.Cancelled), 0.04, 0.17);
        var cancelled = rows.Where(a => a.Status == AppointmentStatus.Cancelled).ToList();
        Assert.All(cancelled, a => Assert.NotNull(a.CancelReason));
        Assert.Contains(cancelled, a => a.CancelledLate);
        Assert.Contains(cancelled, a => !a.CancelledLate);
        Assert.All(cancelled, a => Assert.Equal(a.UpdatedAt > a.Start - Duration.FromHours(24), a.CancelledLate));
        Assert.True(future.Count > rows.Count / 10, "the last 14 of 60 days are ahead");

        var again = new AppointmentGenerator(ChainFor(Small, Now), Now).Generate().ToList();
        Assert.Equal(rows, again);
        var other = new AppointmentGenerator(ChainFor(Small with { Seed = 8 }, Now), Now).Generate().ToList();
        Assert.NotEqual(rows.Select(r => (r.TherapistId, r.Start)), other.Select(r => (r.TherapistId, r.Start)));
    }

    [Fact]
    public void Asking_for_more_than_the_rosters_hold_is_refused_with_the_capacity()
    {
        var chain = ChainFor(Small with { Appointments = 1_000_000 }, Now);

        var e = Assert.Throws<InvalidOperationException>(() => new AppointmentGenerator(chain, Now).Generate().First());

        Assert.Contains("do not fit", e.Message, StringComparison.Ordinal);
        Assert.Contains("--therapists", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_options_are_read_from_the_command_line_and_the_rest_is_left_for_the_server()
    {
        var (options, rest) = SeedOptions.Parse(["--clinics", "3", "--appointments=5000", "--data-dir", "d", "--seed", "9", "--Nmt:SiloPort=0"]);

        Assert.Equal(3, options.Clinics);
        Assert.Equal(5000, options.Appointments);
        Assert.Equal(9, options.Seed);
        Assert.Equal(500, options.Therapists);
        Assert.Equal(["--data-dir", "d", "--Nmt:SiloPort=0"], rest);
        Assert.Contains("--rooms", Assert.Throws<ArgumentException>(() => SeedOptions.Parse(["--rooms", "none"])).Message, StringComparison.Ordinal);
        Assert.Contains("--future-days", Assert.Throws<ArgumentException>(() => SeedOptions.Parse(["--days", "10", "--future-days", "20"])).Message, StringComparison.Ordinal);
        Assert.Contains("--therapists", Assert.Throws<ArgumentException>(() => SeedOptions.Parse(["--clinics", "5", "--therapists", "4"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_loads_the_chain_through_the_grains_and_the_ledger_and_reports_match_the_ledger()
    {
        var database = await postgres.CreateDatabaseAsync("seed");
        await using var server = await NmtServer.StartAsync(
        [
            "--ConnectionStrings:Nmt=" + database, "--ConnectionStrings:NmtOwner=" + postgres.AsOwner(database),
            "--urls=http://127.0.0.1:0", "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0",
            "--Nmt:ClusterId=seed-" + Guid.NewGuid().ToString("N")[..8], "--Logging:LogLevel:Default=Warning",
            TestTokens.KeyArgument(TestTokens.NewKey()),
        ]);
        var options = new SeedOptions { Clinics = 2, RoomsPerClinic = 3, Therapists = 4, Clients = 50, Appointments = 200, Days = 30, FutureDays = 7, Seed = 3 };
        var output = new StringWriter();

        // The bulk load turns the ledger's triggers off: the owner's right (what `seed` uses), not the application's.
        var summary = await GeneratedChainSeeder.RunAsync(server.Services, server.OwnerConnectionString, options, output);
        var again = await GeneratedChainSeeder.RunAsync(server.Services, server.OwnerConnectionString, options, new StringWriter());

        await using var data = Npgsql.NpgsqlDataSource.Create(database);
        Assert.Equal(200, summary.Appointments);
        Assert.Equal(200, again.Appointments);
        Assert.Equal(200L, await ScalarAsync<long>(data, "SELECT count(*) FROM appointments"));
        Assert.Equal(0L, await new LedgerOracle(data).CountOverlapsAsync());
        Assert.Equal(0L, await ScalarAsync<long>(data, "SELECT count(*) FROM appointments WHERE status IN ('booked', 'arrived') AND ends_at <= now() - interval '1 minute' AND starts_at < now() - interval '1 day'"));
        Assert.Equal(50L, await ScalarAsync<long>(data, "SELECT count(*) FROM client_directory"));
        Assert.Contains("| appointments (generate + COPY) | 200 |", output.ToString(), StringComparison.Ordinal);

        var grains = server.Services.GetRequiredService<IGrainFactory>();
        Assert.Equal("Europe/London", (await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(GeneratedChain.ClinicId(0))).Get())!.TimeZoneId);
        Assert.Equal(2, (await grains.GetGrain<IChainGrain>(GrainKeys.Chain).ListClinics()).Count);
        Assert.NotNull(await grains.GetGrain<IClientGrain>(GrainKeys.Client(GeneratedChain.ClientId(49))).Get());

        // Report usage was rebuilt after the COPY: the fast reads give the plain query's figures.
        var usage = new UsageStore(data);
        string[] clinics = [GeneratedChain.ClinicId(0), GeneratedChain.ClinicId(1)];
        var fast = await usage.RoomDaysAsync(clinics, summary.FirstDate, summary.LastDate);
        Assert.NotEmpty(fast);
        Assert.Equal(await new PlainReportQueries(data).RoomDaysAsync(clinics, summary.FirstDate, summary.LastDate), fast);
        Assert.Equal(await new PlainReportQueries(data).StatusCountsAsync(clinics, summary.FirstDate, summary.LastDate), await usage.StatusCountsAsync(clinics, summary.FirstDate, summary.LastDate));
    }

    private static async Task<T> ScalarAsync<T>(Npgsql.NpgsqlDataSource data, string sql)
    {
        await using var cmd = data.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static double Share(IReadOnlyCollection<AppointmentRecord> rows, AppointmentStatus status) =>
        (double)rows.Count(a => a.Status == status) / Math.Max(1, rows.Count);

    private static int Overlaps(IEnumerable<AppointmentRecord> rows, Func<AppointmentRecord, string> key, Func<AppointmentRecord, Instant> end) =>
        rows.GroupBy(key).Sum(g =>
        {
            var sorted = g.OrderBy(a => a.Start).ToList();
            return sorted.Zip(sorted.Skip(1)).Count(p => p.Second.Start < end(p.First));
        });
}
