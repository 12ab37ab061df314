using System.Globalization;
using NmtPractice.Domain.Clients;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;

namespace NmtPractice.Server.Seeding;

/// <summary>
/// The seeded chain's configuration as plain data, built deterministically from <see cref="SeedOptions"/>:
/// clinics named by city (clinic c is in city c mod 6), rooms with features, four services, therapists with a home
/// clinic and a fortnightly rotating roster (one in five also covers a Saturday at a neighbouring clinic of the same
/// city), a week of leave each, holidays as closures, and a travel matrix between the clinics of a city.
/// Collections are arrays on purpose: grain storage records the runtime collection type.
/// </summary>
public sealed class GeneratedChain
{
    public const string InitialAssessment = "nmt-initial";
    public const string FollowUp = "nmt-follow-up";
    public const string Session = "nmt-60";
    public const string TriggerPoint = "trigger-point";
    public const string HydraulicTable = "hydraulic-table";
    public const string NmtCertified = "nmt-certified";

    /// <summary>The roster cycles' week 0 is the week of this Monday.</summary>
    public static readonly LocalDate RosterAnchor = new(2026, 1, 5);

    private static readonly (string Zone, string City, string Slug, string Phone)[] Cities =
    [
        ("Europe/London", "London", "london", "+44 20 7946 "),
        ("America/New_York", "New York", "new-york", "+1 212 555 "),
        ("America/Chicago", "Chicago", "chicago", "+1 312 555 "),
        ("America/Los_Angeles", "Los Angeles", "los-angeles", "+1 213 555 "),
        ("Europe/Berlin", "Berlin", "berlin", "+49 30 5550 "),
        ("Australia/Sydney", "Sydney", "sydney", "+61 2 5550 "),
    ];

    private static readonly string[] GivenNames =
    [
        "Olivia", "Liam", "Amelia", "Noah", "Isla", "Oliver", "Ava", "Elijah", "Mia", "James", "Sofia", "Lucas", "Grace",
        "Mateo", "Chloe", "Ethan", "Priya", "Arjun", "Aisha", "Omar", "Hannah", "Jonas", "Lena", "Felix", "Emma", "Leon",
        "Charlotte", "Jack", "Ruby", "Harry", "Zoe", "Daniel", "Mei", "Kenji", "Lucia", "Diego", "Freya", "Samuel", "Nora", "Theo",
    ];

    private static readonly string[] FamilyNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez", "Wilson", "Taylor", "Thomas",
        "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
        "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
        "Schmidt", "Muller", "Nguyen", "Patel",
    ];

    public GeneratedChain(SeedOptions options, LocalDate firstDate, LocalDate lastDate)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        FirstDate = firstDate;
        LastDate = lastDate;
        ZoneGroups = Math.Min(Cities.Length, options.Clinics);
        Services =
        [
            new(InitialAssessment, "NMT initial assessment, 75 min", Duration.FromMinutes(75), Duration.FromMinutes(15), new[] { HydraulicTable }, NmtCertified, 95m),
            new(FollowUp, "NMT follow-up, 45 min", Duration.FromMinutes(45), Duration.FromMinutes(10), new[] { HydraulicTable }, NmtCertified, 65m),
            new(Session, "NMT session, 60 min", Duration.FromMinutes(60), Duration.FromMinutes(15), new[] { HydraulicTable }, NmtCertified, 80m),
            new(TriggerPoint, "Trigger-point therapy, 30 min", Duration.FromMinutes(30), Duration.FromMinutes(10), Array.Empty<string>(), null, 40m),
        ];
        Clinics = Enumerable.Range(0, options.Clinics).Select(BuildClinic).ToArray();
        Therapists = Enumerable.Range(0, options.Therapists).Select(BuildTherapist).ToArray();
        Travel = BuildTravel();
    }

    public SeedOptions Options { get; }

    /// <summary>The first and last clinic-local dates the appointments cover (inclusive).</summary>
    public LocalDate FirstDate { get; }

    public LocalDate LastDate { get; }

    /// <summary>Cities in use; clinic c and client k belong to city c mod ZoneGroups and k mod ZoneGroups.</summary>
    public int ZoneGroups { get; }

    public Service[] Services { get; }

    public Clinic[] Clinics { get; }

    public Therapist[] Therapists { get; }

    public TravelMatrix Travel { get; }

    public static string ClinicId(int c) => $"{Cities[c % Cities.Length].Slug}-{c / Cities.Length + 1:00}";

    public static string RoomId(int r) => $"room-{r + 1:00}";

    public static string TherapistId(int t) => $"therapist-{t + 1:0000}";

    public static string ClientId(int k) => $"client-{k + 1:000000}";

    public int ZoneGroupOfClinic(int c) => c % ZoneGroups;

    public int ZoneGroupOfClient(int k) => k % ZoneGroups;

    /// <summary>Client k, with a name, a phone number of its city and an e-mail address.</summary>
    public Client Client(int k)
    {
        var rnd = new Random(SeedMix.Int(Options.Seed, 7, k));
        var given = GivenNames[rnd.Next(GivenNames.Length)];
        var family = FamilyNames[rnd.Next(FamilyNames.Length)];
        var city = Cities[ZoneGroupOfClient(k)];
        var phone = rnd.Next(10) < 9 ? city.Phone + (k % 10_000).ToString("0000", CultureInfo.InvariantCulture) : null;
        var email = rnd.Next(10) < 8 ? $"{given}.{family}.{k + 1}@example.org".ToLowerInvariant() : null;
        LocalDate? born = rnd.Next(10) < 7 ? new LocalDate(1950, 1, 1).PlusDays(rnd.Next(365 * 55)) : null;
        return new Client(ClientId(k), given, family, phone, email, born);
    }

    /// <summary>Rooms: 70% (at least one) have a hydraulic table; every fourth is quiet, every third wheelchair-accessible.</summary>
    private Room[] Rooms()
    {
        var hydraulic = Math.Max(1, Options.RoomsPerClinic * 7 / 10);
        return Enumerable.Range(0, Options.RoomsPerClinic).Select(r =>
        {
            var features = new List<string>();
            if (r < hydraulic)
            {
                features.Add(HydraulicTable);
            }
            if (r % 4 == 0)
            {
                features.Add("quiet");
            }
            if (r % 3 == 2)
            {
                features.Add("wheelchair-access");
            }
            return new Room(RoomId(r), $"Treatment room {r + 1}", features.ToArray(), Array.Empty<OutOfServicePeriod>());
        }).ToArray();
    }

    /// <summary>Three opening patterns (all with Saturdays; the third also Sundays) and the year-end holidays closed.</summary>
    private Clinic BuildClinic(int c)
    {
        var city = Cities[c % Cities.Length];
        var hours = new List<OpeningRange>();
        var (weekdayOpen, weekdayClose, saturdayOpen, saturdayClose) = (c % 3) switch
        {
            0 => (8, 20, 9, 17),
            1 => (7, 19, 9, 15),
            _ => (9, 20, 9, 18),
        };
        foreach (var day in Weekdays)
        {
            hours.Add(new OpeningRange(day, Range(weekdayOpen, weekdayClose)));
        }
        hours.Add(new OpeningRange(IsoDayOfWeek.Saturday, Range(saturdayOpen, saturdayClose)));
        if (c % 3 == 2)
        {
            hours.Add(new OpeningRange(IsoDayOfWeek.Sunday, Range(10, 16)));
        }
        var closures = new List<Closure>();
        for (var year = FirstDate.Year; year <= LastDate.Year + 1; year++)
        {
            closures.Add(new Closure(new DateRange(new LocalDate(year - 1, 12, 25), new LocalDate(year - 1, 12, 26)), "Christmas"));
            closures.Add(new Closure(new DateRange(new LocalDate(year, 1, 1), new LocalDate(year, 1, 1)), "New Year's Day"));
        }
        return new Clinic(ClinicId(c), $"NMT {city.City} {c / Cities.Length + 1}", $"{10 + c} High Street, {city.City}", city.Zone,
            hours.ToArray(), closures.ToArray(), Clinic.DefaultCancellationWindow, Rooms(), Services);
    }

    private static readonly IsoDayOfWeek[] Weekdays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    /// <summary>
    /// Therapist t works at clinic t mod clinics. Fortnightly rotation: one week early shifts Monday to Friday (opening
    /// + 9 h), the other week late shifts Tuesday to Friday (closing - 9 h) and the Saturday; half the team runs the
    /// rotation a week later. On Sunday-opening clinics the late week also works Sunday. One in five therapists spends
    /// the late week's Saturday at the next clinic of the same city instead. 85% are NMT-certified.
    /// </summary>
    private Therapist BuildTherapist(int t)
    {
        var rnd = new Random(SeedMix.Int(Options.Seed, 3, t));
        var c = t % Options.Clinics;
        var home = Clinics[c];
        var early = (t / Options.Clinics) % 2;
        var late = 1 - early;
        var weekday = home.OpeningHours.First(o => o.Day == IsoDayOfWeek.Monday).Hours;
        var saturday = home.OpeningHours.First(o => o.Day == IsoDayOfWeek.Saturday).Hours;
        var earlyHours = new LocalTimeRange(weekday.Start, weekday.Start.PlusHours(9));
        var lateHours = new LocalTimeRange(weekday.End.PlusHours(-9), weekday.End);

        var neighbour = NeighbourOf(c);
        var visits = neighbour is not null && t % 5 == 3;
        var shifts = new List<RosterShift>();
        shifts.AddRange(Weekdays.Select(d => new RosterShift(early, d, earlyHours)));
        shifts.AddRange(Weekdays.Skip(1).Select(d => new RosterShift(late, d, lateHours)));
        if (!visits)
        {
            shifts.Add(new RosterShift(late, IsoDayOfWeek.Saturday, saturday));
        }
        if (home.OpeningHours.FirstOrDefault(o => o.Day == IsoDayOfWeek.Sunday) is { } sunday)
        {
            shifts.Add(new RosterShift(late, IsoDayOfWeek.Sunday, sunday.Hours));
        }
        var rosters = new List<Roster> { new(home.Id, 2, RosterAnchor, shifts.ToArray()) };
        if (visits)
        {
            var other = Clinics[neighbour!.Value];
            var otherSaturday = other.OpeningHours.First(o => o.Day == IsoDayOfWeek.Saturday).Hours;
            rosters.Add(new Roster(other.Id, 2, RosterAnchor, new[] { new RosterShift(late, IsoDayOfWeek.Saturday, otherSaturday) }));
        }

        var qualifications = rnd.Next(100) < 85 ? new[] { new Qualification(NmtCertified, null) } : Array.Empty<Qualification>();
        var weeks = Math.Max(1, Period.Between(FirstDate, LastDate, PeriodUnits.Days).Days / 7);
        var leaveStart = FirstDate.PlusDays(7 * rnd.Next(weeks));
        leaveStart = leaveStart.PlusDays(1 - (int)leaveStart.DayOfWeek);
        var leave = new RosterException("annual-leave", RosterExceptionKind.Leave,
            new Interval(leaveStart.AtStartOfDayInZone(home.Zone).ToInstant(), leaveStart.PlusDays(7).AtStartOfDayInZone(home.Zone).ToInstant()),
            null, "Annual leave");
        var name = $"{GivenNames[rnd.Next(GivenNames.Length)]} {FamilyNames[rnd.Next(FamilyNames.Length)]}";
        return new Therapist(TherapistId(t), name, qualifications, rosters.ToArray(), new[] { leave });
    }

    /// <summary>The next clinic of the same city, if the city has another.</summary>
    private int? NeighbourOf(int c)
    {
        var next = c + Cities.Length;
        if (next < Options.Clinics)
        {
            return next;
        }
        var first = c % Cities.Length;
        return first != c ? first : null;
    }

    /// <summary>20-45 minutes between clinics of one city; 8 hours (the longest allowed) anywhere else.</summary>
    private TravelMatrix BuildTravel()
    {
        var pairs = new List<TravelTime>();
        for (var a = 0; a < Options.Clinics; a++)
        {
            for (var b = a + Cities.Length; b < Options.Clinics; b += Cities.Length)
            {
                pairs.Add(new TravelTime(ClinicId(a), ClinicId(b), Duration.FromMinutes(20 + 5 * ((a + b) % 6))));
            }
        }
        return new TravelMatrix(Duration.FromHours(8), pairs.ToArray());
    }

    private static LocalTimeRange Range(int open, int close) => new(new LocalTime(open, 0), new LocalTime(close, 0));
}
