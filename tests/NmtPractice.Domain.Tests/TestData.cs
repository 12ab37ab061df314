using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Scheduling;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;
using NmtPractice.Testing;
using NodaTime;
using NodaTime.Text;

namespace NmtPractice.Domain.Tests;

/// <summary>
/// A small, readable world: clinic "c1" in London, open Monday to Saturday 09:00-17:00, two rooms, two services,
/// and therapist "t1" rostered Monday to Friday 09:00-17:00 there. Monday 2026-06-01 is the usual test day.
/// The objects come from the shared <see cref="SampleChain"/> builder; this class holds the values of this world.
/// </summary>
internal static class TestData
{
    public static readonly DateTimeZone London = TimeZones.Get(SampleChain.London);
    public static readonly DateTimeZone NewYork = TimeZones.Get(SampleChain.NewYork);

    /// <summary>A Monday in summer (BST, UTC+1).</summary>
    public static readonly LocalDate Monday = new(2026, 6, 1);
    public static readonly LocalDate Saturday = Monday.PlusDays(5);
    public static readonly LocalDate Sunday = Monday.PlusDays(6);

    /// <summary>"Now" for most tests: a month before <see cref="Monday"/>.</summary>
    public static readonly Instant Now = Instant.FromUtc(2026, 5, 1, 8, 0);

    public const string Nmt = SampleChain.NmtCertified;
    public const string Table = SampleChain.HydraulicTable;
    public const string Wheelchair = SampleChain.WheelchairAccess;
    public const string Quiet = SampleChain.Quiet;

    private static readonly LocalTimePattern HhMm = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static LocalTime Time(string hhmm) => HhMm.Parse(hhmm).Value;

    /// <summary>"09:00", "17:00"; "24:00" is the end of the day.</summary>
    public static LocalTimeRange Hours(string from, string to) =>
        new(Time(from), to == "24:00" ? LocalTime.Midnight : Time(to));

    public static Instant At(DateTimeZone zone, LocalDate date, string hhmm) => (date + Time(hhmm)).InZoneStrictly(zone).ToInstant();

    public static Instant At(LocalDate date, string hhmm) => At(London, date, hhmm);

    public static Interval Span(LocalDate date, string from, string to) => new(At(date, from), At(date, to));

    public static Room Room(string id, params string[] features) => SampleChain.Room(id, $"Room {id}", features);

    public static Service Service(string id, int minutes, int turnoverMinutes = 0, string? qualification = null, params string[] features) =>
        SampleChain.Service(id, $"Service {id}", minutes, turnoverMinutes, 60m, qualification, features);

    /// <summary>60 min NMT session, 15 min turnover, needs a hydraulic table and an nmt-certified therapist.</summary>
    public static readonly Service Nmt60 = Service("nmt-60", 60, 15, Nmt, Table);

    /// <summary>30 min trigger-point therapy, no turnover, no requirements.</summary>
    public static readonly Service Tp30 = Service("tp-30", 30);

    public static IReadOnlyList<OpeningRange> Open(IEnumerable<IsoDayOfWeek> days, string from, string to) =>
        SampleChain.Open(days, Hours(from, to));

    public static readonly IsoDayOfWeek[] MondayToFriday = SampleChain.MondayToFriday;

    public static readonly IsoDayOfWeek[] MondayToSaturday = SampleChain.MondayToSaturday;

    public static readonly IsoDayOfWeek[] EveryDay = SampleChain.EveryDay;

    public static Clinic Clinic(
        string id = "c1",
        string zone = "Europe/London",
        IReadOnlyList<OpeningRange>? hours = null,
        IReadOnlyList<Room>? rooms = null,
        IReadOnlyList<Closure>? closures = null) =>
        SampleChain.Clinic(id, zone: zone,
            hours: hours ?? Open(MondayToSaturday, "09:00", "17:00"),
            rooms: rooms ?? [Room("r1", Table), Room("r2", Table, Wheelchair)],
            services: [Nmt60, Tp30],
            closures: closures);

    public static Roster Weekly(string clinicId, IEnumerable<IsoDayOfWeek> days, string from, string to, LocalDate? anchor = null) =>
        SampleChain.Weekly(clinicId, days, Hours(from, to), anchor ?? Monday);

    public static Therapist Therapist(
        string id = "t1",
        IReadOnlyList<Roster>? rosters = null,
        IReadOnlyList<Qualification>? qualifications = null,
        IReadOnlyList<RosterException>? exceptions = null) =>
        SampleChain.Therapist(id,
            rosters ?? [Weekly("c1", MondayToFriday, "09:00", "17:00")],
            qualifications: qualifications ?? [SampleChain.Certified(new LocalDate(2030, 1, 1))],
            exceptions: exceptions);

    public static RosterException Leave(Interval period, string id = "leave-1") => new(id, RosterExceptionKind.Leave, period, null, "holiday");

    public static RosterException Extra(string clinicId, Interval period, string id = "extra-1") =>
        new(id, RosterExceptionKind.ExtraShift, period, clinicId, "cover");

    public static TherapistBooking TherapistBooking(string clinicId, Interval treatment, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), clinicId, treatment);

    public static RoomBooking RoomBooking(string roomId, Interval treatment, Duration turnover, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), roomId, treatment, new Interval(treatment.Start, treatment.End + turnover));

    public static DayCalendars Calendars(
        IReadOnlyDictionary<string, IReadOnlyList<TherapistBooking>>? therapists = null,
        IReadOnlyList<RoomBooking>? rooms = null,
        IReadOnlyList<Interval>? client = null) =>
        new(therapists ?? new Dictionary<string, IReadOnlyList<TherapistBooking>>(), rooms ?? [], client ?? []);

    public static TravelMatrix Travel(int defaultMinutes = 30, params TravelTime[] pairs) => new(Duration.FromMinutes(defaultMinutes), pairs);
}
