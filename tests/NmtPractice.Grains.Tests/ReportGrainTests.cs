using NmtPractice.Domain.Reports;
using NmtPractice.Persistence.Reports;
using Npgsql;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// The report grain end to end on two silos: bookings through the booking grain, status changes through the
/// appointment grain and the ledger, reports read back through IReportGrain. This is the worked example
/// "A day at one clinic" of docs/reports.md.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReportGrainTests(ClusterFixture fixture)
{
    private GrainChain NewChain() => new(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);

    private IReportGrain Reports => fixture.Grains.GetGrain<IReportGrain>(0);

    /// <summary>A Wednesday at least 20 days ahead: never a daylight-saving day in London (changes fall on Sundays).</summary>
    private static LocalDate Wednesday()
    {
        var d = GrainChain.FutureDate(20);
        while (d.DayOfWeek != IsoDayOfWeek.Wednesday)
        {
            d = d.PlusDays(1);
        }
        return d;
    }

    [Fact]
    public async Task A_day_at_one_clinic_worked_example()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("k");
        var therapist = await chain.Therapist("t", clinic.Id);
        var c1 = (await chain.Client("c1")).Id;
        var c2 = (await chain.Client("c2")).Id;
        var c3 = (await chain.Client("c3")).Id;
        var day = Wednesday();

        var a = await chain.Book(clinic.Id, therapist.Id, c1, GrainChain.At(day, 9), GrainChain.Nmt60, "r1");
        var b = await chain.Book(clinic.Id, therapist.Id, c2, GrainChain.At(day, 10, 30), GrainChain.Nmt60, "r1");
        var c = await chain.Book(clinic.Id, therapist.Id, c3, GrainChain.At(day, 12), GrainChain.Trigger30, "r2");
        var e = await chain.Book(clinic.Id, therapist.Id, c1, GrainChain.At(day, 13), GrainChain.Trigger30, "r3");
        Assert.All(new[] { a, b, c, e }, r => Assert.True(r.IsOk, r.Refusal?.Message));
        Assert.True((await chain.Appointment(c.Value!.Id).Cancel("client rang")).IsOk);
        var now = ClusterFixture.Clock.GetCurrentInstant();
        Assert.True((await fixture.Ledger.UpdateStatusAsync(a.Value!.Id, a.Value.Version, AppointmentStatus.Fulfilled, null, false, now)).Succeeded);
        Assert.True((await fixture.Ledger.UpdateStatusAsync(b.Value!.Id, b.Value.Version, AppointmentStatus.NoShow, null, false, now)).Succeeded);

        // The clinic grain registered the zone on creation: usage is there before any report asks.
        await using var ds = NpgsqlDataSource.Create(fixture.ConnectionString);
        var store = new UsageStore(ds);
        Assert.Equal(3, (await store.RoomDaysAsync([clinic.Id], day, day)).Sum(r => r.Appointments));

        var rooms = await Reports.RoomUtilisation(new ReportQuery([clinic.Id], day, day));
        Assert.True(rooms.IsOk, rooms.Refusal?.Message);
        Assert.Equal(
            [
                new RoomUtilisationFigures(clinic.Id, "r1", day, 720, 120, 30, 2),
                new RoomUtilisationFigures(clinic.Id, "r2", day, 720, 0, 0, 0),
                new RoomUtilisationFigures(clinic.Id, "r3", day, 720, 30, 10, 1),
            ],
            rooms.Value!.Rooms);
        var total = Assert.Single(rooms.Value.Clinics);
        Assert.Equal(new RoomUtilisationFigures(clinic.Id, null, day, 2160, 150, 40, 3), total);
        Assert.Equal(150d / 2160, total.Utilisation, 12);

        var staff = await Reports.TherapistUtilisation(new ReportQuery([clinic.Id], day, day, ReportBucket.Week));
        var weekStart = day.PlusDays(-2);
        Assert.Equal([new TherapistUtilisationFigures(therapist.Id, clinic.Id, weekStart, 720, 150, 3)], staff.Value!.Rows);

        var summary = (await Reports.ClinicSummary(clinic.Id, day, day)).Value!;
        Assert.Equal(new ClinicSummary(clinic.Id, day, day, 0, 1, 0, 1, 1, 0, 1, 3, 3, 7000), summary);
        Assert.Equal(4, summary.Total);
        Assert.Equal(0.5, summary.NoShowRate);

        var heatmap = (await Reports.Heatmap(clinic.Id, day, day)).Value!;
        var wednesday = heatmap.Cells.Where(x => x.Weekday == IsoDayOfWeek.Wednesday).ToList();
        Assert.Equal([0L, 0, 0, 0, 0, 0, 0, 0, 0, 60, 30, 30, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], wednesday.Select(x => x.TreatmentMinutes));
        Assert.All(wednesday, x => Assert.Equal(x.Hour is >= 8 and < 20 ? 180 : 0, x.OpenRoomMinutes));

        var comparison = (await Reports.ChainComparison(day, day)).Value!;
        var mine = Assert.Single(comparison, r => r.ClinicId == clinic.Id);
        Assert.Equal(new RoomUtilisationFigures(clinic.Id, null, day, 2160, 150, 40, 3), mine.RoomUtilisation);
        Assert.Equal((720L, 150L), (mine.RosteredMinutes, mine.TherapistBookedMinutes));
        Assert.Equal(summary, mine.Summary);
        Assert.Equal(clinic.Name, mine.ClinicName);

        // Compaction changes nothing a report says.
        Assert.True(await store.CompactAsync() >= 0);
        Assert.Equal(rooms.Value.Rooms, (await Reports.RoomUtilisation(new ReportQuery([clinic.Id], day, day))).Value!.Rooms);
        Assert.Equal(summary, (await Reports.ClinicSummary(clinic.Id, day, day)).Value);
    }

    [Fact]
    public async Task Bad_report_queries_are_refused()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("k");
        var day = new LocalDate(2026, 6, 1);

        var unknown = await Reports.RoomUtilisation(new ReportQuery([clinic.Id, chain.Id("nowhere")], day, day));
        Assert.Equal((RefusalReason.NotFound, "clinic_ids"), (unknown.Refusal?.Reason, unknown.Refusal?.Field));

        var reversed = await Reports.TherapistUtilisation(new ReportQuery([clinic.Id], day, day.PlusDays(-1)));
        Assert.Equal((RefusalReason.InvalidArgument, "to"), (reversed.Refusal?.Reason, reversed.Refusal?.Field));

        var tooLong = await Reports.ChainComparison(day, day.PlusYears(4));
        Assert.Equal((RefusalReason.InvalidArgument, "to"), (tooLong.Refusal?.Reason, tooLong.Refusal?.Field));

        var bucket = await Reports.RoomUtilisation(new ReportQuery([clinic.Id], day, day, (ReportBucket)42));
        Assert.Equal((RefusalReason.InvalidArgument, "bucket"), (bucket.Refusal?.Reason, bucket.Refusal?.Field));

        var summary = await Reports.ClinicSummary(chain.Id("nowhere"), day, day);
        Assert.Equal((RefusalReason.NotFound, "clinic_id"), (summary.Refusal?.Reason, summary.Refusal?.Field));

        var badId = await Reports.Heatmap("no spaces allowed", day, day);
        Assert.Equal((RefusalReason.InvalidArgument, "clinic_id"), (badId.Refusal?.Reason, badId.Refusal?.Field));
    }
}
