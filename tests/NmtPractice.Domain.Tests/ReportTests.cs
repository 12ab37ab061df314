using NmtPractice.Domain.Reports;

namespace NmtPractice.Domain.Tests;

/// <summary>
/// The report definitions of docs/reports.md, checked on hand-computed fixtures. The reports clinic "c1" is in London:
/// open Monday to Friday 09:00-17:00, Saturday 09:00-13:00 and Sunday round the clock; closed on Wednesday 2026-06-03;
/// room r2 is out of service on Tuesday 2026-06-02 13:00-15:00. Clinic "c2" is in New York, one room, open weekdays
/// 08:00-12:00.
/// </summary>
public class ReportTests
{
    public static readonly LocalDate Monday = new(2026, 6, 1);
    public static readonly LocalDate Tuesday = Monday.PlusDays(1);
    public static readonly LocalDate Wednesday = Monday.PlusDays(2);

    public static Clinic C1 { get; } = new(
        "c1", "Reports One", "1 High St", "Europe/London",
        [
            .. TestData.Open(TestData.MondayToFriday, "09:00", "17:00"),
            new OpeningRange(IsoDayOfWeek.Saturday, TestData.Hours("09:00", "13:00")),
            new OpeningRange(IsoDayOfWeek.Sunday, TestData.Hours("00:00", "24:00")),
        ],
        [new Closure(new DateRange(Wednesday, Wednesday), "staff training")],
        Clinic.DefaultCancellationWindow,
        [
            TestData.Room("r1"),
            TestData.Room("r2") with { OutOfService = [new OutOfServicePeriod(TestData.Span(Tuesday, "13:00", "15:00"), "repairs")] },
        ],
        [
            TestData.Service("nmt-60", 60, 15) with { Price = 60.00m },
            TestData.Service("tp-30", 30) with { Price = 35.50m },
        ]);

    public static Clinic C2 { get; } = new(
        "c2", "Reports Two", "2 Broadway", "America/New_York",
        TestData.Open(TestData.MondayToFriday, "08:00", "12:00"), [], Clinic.DefaultCancellationWindow, [TestData.Room("r1")], []);

    [Fact]
    public void Room_open_minutes_follow_opening_hours_closures_and_out_of_service()
    {
        var r1 = C1.Rooms[0];
        var r2 = C1.Rooms[1];
        Assert.Equal(480, OpenTime.RoomOpenMinutes(C1, r1, Monday));
        Assert.Equal(480, OpenTime.RoomOpenMinutes(C1, r1, Tuesday));
        Assert.Equal(360, OpenTime.RoomOpenMinutes(C1, r2, Tuesday));
        Assert.Equal(0, OpenTime.RoomOpenMinutes(C1, r1, Wednesday));
        Assert.Equal(240, OpenTime.RoomOpenMinutes(C1, r1, Monday.PlusDays(5)));
        Assert.Equal(1440, OpenTime.RoomOpenMinutes(C1, r1, Monday.PlusDays(6)));
    }

    [Fact]
    public void A_day_open_through_the_clocks_change_has_23_or_25_hours()
    {
        var r1 = C1.Rooms[0];
        Assert.Equal(23 * 60, OpenTime.RoomOpenMinutes(C1, r1, new LocalDate(2026, 3, 29)));
        Assert.Equal(25 * 60, OpenTime.RoomOpenMinutes(C1, r1, new LocalDate(2026, 10, 25)));
        Assert.Equal(24 * 60, OpenTime.RoomOpenMinutes(C1, r1, new LocalDate(2026, 4, 5)));
    }

    /// <summary>docs/reports.md, "Room utilisation", worked example.</summary>
    [Fact]
    public void Room_utilisation_worked_example()
    {
        RoomDayFigures[] usage =
        [
            new("c1", "r1", Monday, 165, 45, 3),
            new("c1", "r1", Tuesday, 60, 15, 1),
            new("c1", "r2", Monday, 60, 0, 2),
            // Outside the period: ignored.
            new("c1", "r1", Wednesday.PlusDays(1), 60, 15, 1),
        ];
        var result = UtilisationReports.RoomUtilisation([C1, C2], usage, Monday, Wednesday, ReportBucket.Week);

        Assert.Equal(
            [
                new RoomUtilisationFigures("c1", "r1", Monday, 960, 225, 60, 4),
                new RoomUtilisationFigures("c1", "r2", Monday, 840, 60, 0, 2),
                new RoomUtilisationFigures("c2", "r1", Monday, 720, 0, 0, 0),
            ],
            result.Rooms);
        Assert.Equal(
            [new RoomUtilisationFigures("c1", null, Monday, 1800, 285, 60, 6), new RoomUtilisationFigures("c2", null, Monday, 720, 0, 0, 0)],
            result.Clinics);
        Assert.Equal([new RoomUtilisationFigures(null, null, Monday, 2520, 285, 60, 6)], result.Chain);
        Assert.Equal(0.234375, 225d / 960);

        var daily = UtilisationReports.RoomUtilisation([C1], usage, Monday, Wednesday, ReportBucket.Day);
        Assert.Equal([Monday, Tuesday, Wednesday], daily.Clinics.Select(c => c.BucketStart));
        Assert.Equal([960L, 840, 0], daily.Clinics.Select(c => c.OpenMinutes));
        Assert.Equal([225L, 60, 0], daily.Clinics.Select(c => c.TreatmentMinutes));
    }

    /// <summary>docs/reports.md, "Therapist utilisation", worked example.</summary>
    [Fact]
    public void Therapist_utilisation_worked_example()
    {
        var t1 = new Therapist(
            "t1", "Therapist One", [],
            [new Roster("c1", 1, Monday, TestData.MondayToFriday.Select(d => new RosterShift(0, d, TestData.Hours("09:00", "17:00"))).ToList())],
            [
                new RosterException("sick", RosterExceptionKind.Sickness, TestData.Span(Monday.PlusDays(3), "00:00", "23:59"), null, "flu"),
                new RosterException("extra", RosterExceptionKind.ExtraShift, TestData.Span(Monday.PlusDays(5), "10:00", "14:00"), "c1", "cover"),
            ]);
        TherapistDayFigures[] usage = [new("c1", "t1", Monday, 240, 4), new("c1", "t1", Tuesday, 300, 5)];

        var rows = UtilisationReports.TherapistUtilisation([C1, C2], [t1], usage, Monday, Monday.PlusDays(6), ReportBucket.Week);

        // Mon 480 + Tue 480 + Wed 0 (closed) + Thu 0 (sick) + Fri 480 + Sat 180 (extra shift within 09:00-13:00) + Sun 0.
        Assert.Equal([new TherapistUtilisationFigures("t1", "c1", Monday, 1620, 540, 9)], rows);
        Assert.Equal(1d / 3, (double)rows[0].BookedMinutes / rows[0].RosteredMinutes, 12);

        var daily = UtilisationReports.TherapistUtilisation([C1], [t1], usage, Monday, Monday.PlusDays(6), ReportBucket.Day);
        Assert.Equal([480L, 480, 0, 0, 480, 180, 0], daily.Select(r => r.RosteredMinutes));
    }

    /// <summary>docs/reports.md, "Clinic summary", worked example.</summary>
    [Fact]
    public void Clinic_summary_worked_example()
    {
        StatusFigures[] statuses =
        [
            new(C1.Id, Monday, "nmt-60", AppointmentStatus.Fulfilled, false, 5),
            new(C1.Id, Monday, "tp-30", AppointmentStatus.Fulfilled, false, 2),
            new(C1.Id, Monday, "gone", AppointmentStatus.Fulfilled, false, 1),
            new(C1.Id, Monday, "nmt-60", AppointmentStatus.NoShow, false, 1),
            new(C1.Id, Monday, "nmt-60", AppointmentStatus.Cancelled, true, 1),
            new(C1.Id, Monday, "tp-30", AppointmentStatus.Cancelled, false, 2),
            new(C1.Id, Monday, "nmt-60", AppointmentStatus.Booked, false, 3),
            new(C1.Id, Monday, "tp-30", AppointmentStatus.Pending, false, 1),
        ];
        var s = UtilisationReports.Summary(C1, statuses);
        Assert.Equal(new SummaryFigures(1, 3, 0, 8, 2, 1, 1, 37_100), s);
        Assert.Equal(16, s.Total);
        Assert.Equal(1d / 9, s.NoShowRate, 12);
    }

    /// <summary>docs/reports.md, "Occupancy heatmap", worked example: the Sunday the clocks go back.</summary>
    [Fact]
    public void Heatmap_worked_example_on_the_day_the_clocks_go_back()
    {
        var day = new LocalDate(2026, 10, 25);
        HourFigures[] usage = [new(C1.Id, day, 1, 90), new(C1.Id, day, 10, 60), new(C1.Id, day.PlusDays(1), 10, 60)];

        var cells = UtilisationReports.Heatmap(C1, usage, day, day);

        Assert.Equal(7 * 24, cells.Count);
        Assert.Equal(new HeatmapFigures(IsoDayOfWeek.Sunday, 1, 240, 90), cells.Single(c => c.Weekday == IsoDayOfWeek.Sunday && c.Hour == 1));
        Assert.Equal(new HeatmapFigures(IsoDayOfWeek.Sunday, 10, 120, 60), cells.Single(c => c.Weekday == IsoDayOfWeek.Sunday && c.Hour == 10));
        Assert.Equal(new HeatmapFigures(IsoDayOfWeek.Sunday, 0, 120, 0), cells.Single(c => c.Weekday == IsoDayOfWeek.Sunday && c.Hour == 0));
        Assert.Equal(2 * 25 * 60, cells.Sum(c => c.OpenRoomMinutes));
        Assert.Equal(150, cells.Sum(c => c.TreatmentMinutes));
        Assert.All(cells.Where(c => c.Weekday != IsoDayOfWeek.Sunday), c => Assert.Equal(0, c.OpenRoomMinutes));

        // The Sunday the clocks go forward: hour 1 does not exist.
        var spring = UtilisationReports.Heatmap(C1, [], new LocalDate(2026, 3, 29), new LocalDate(2026, 3, 29));
        Assert.Equal(0, spring.Single(c => c.Weekday == IsoDayOfWeek.Sunday && c.Hour == 1).OpenRoomMinutes);
        Assert.Equal(2 * 23 * 60, spring.Sum(c => c.OpenRoomMinutes));
    }

    [Fact]
    public void Hours_split_on_the_local_clock_in_a_half_hour_zone()
    {
        var kolkata = TimeZones.Get("Asia/Kolkata");
        var date = new LocalDate(2026, 6, 1);
        var start = (date + TestData.Time("09:10")).InZoneStrictly(kolkata).ToInstant();
        var into = new Dictionary<(LocalDate, int), long>();
        OpenTime.AddHourMinutes([new Interval(start, start + Duration.FromMinutes(80))], kolkata, into);
        Assert.Equal(new Dictionary<(LocalDate, int), long> { [(date, 9)] = 50, [(date, 10)] = 30 }, into);
    }

    [Fact]
    public void Buckets_are_days_iso_weeks_from_monday_and_calendar_months()
    {
        var thursday = new LocalDate(2026, 10, 1);
        Assert.Equal(thursday, ReportPeriod.BucketStart(thursday, ReportBucket.Day));
        Assert.Equal(new LocalDate(2026, 9, 28), ReportPeriod.BucketStart(thursday, ReportBucket.Week));
        Assert.Equal(new LocalDate(2026, 10, 1), ReportPeriod.BucketStart(new LocalDate(2026, 10, 31), ReportBucket.Month));
        Assert.Equal(new LocalDate(2026, 10, 26), ReportPeriod.BucketStart(new LocalDate(2026, 11, 1), ReportBucket.Week));
        Assert.Equal(
            [new LocalDate(2026, 9, 28), new LocalDate(2026, 10, 5)],
            ReportPeriod.BucketStarts(thursday, new LocalDate(2026, 10, 5), ReportBucket.Week));
    }

    [Fact]
    public void Report_periods_are_checked()
    {
        Assert.Null(ReportPeriod.Check(Monday, Monday));
        Assert.Null(ReportPeriod.Check(new LocalDate(2024, 1, 1), new LocalDate(2026, 12, 31)));
        Assert.Equal("to", ReportPeriod.Check(Tuesday, Monday)?.Field);
        Assert.Equal(RefusalReason.InvalidArgument, ReportPeriod.Check(new LocalDate(2024, 1, 1), new LocalDate(2027, 1, 1))?.Reason);
    }
}
