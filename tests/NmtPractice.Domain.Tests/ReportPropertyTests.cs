using FsCheck.Xunit;
using NmtPractice.Domain.Reports;

namespace NmtPractice.Domain.Tests;

/// <summary>
/// Random clinics (zones with daylight saving and a half-hour zone, random opening hours, closures, rooms out of
/// service) and random bookings that never overbook (each placed inside its room's open time, none overlapping):
/// utilisation stays within [0, 1] at every level and bucket, clinic figures are the sums of their rooms, the chain's
/// the sums of its clinics, bucketing loses nothing, and the heatmap holds the same minutes.
/// </summary>
public class ReportPropertyTests
{
    private static readonly string[] Zones = ["Europe/London", "America/New_York", "Asia/Kolkata"];

    /// <summary>Period starts including weeks with a daylight-saving change in London or New York.</summary>
    private static readonly LocalDate[] Starts =
        [new(2026, 3, 2), new(2026, 3, 26), new(2026, 10, 22), new(2026, 10, 30), new(2026, 6, 15), new(2026, 12, 28)];

    private sealed record World(IReadOnlyList<Clinic> Clinics, LocalDate From, LocalDate To, List<Interval>[] Bookings, List<RoomDayFigures> Usage);

    private static World MakeWorld(int seed)
    {
        var rng = new Random(seed);
        var from = Starts[rng.Next(Starts.Length)];
        var to = from.PlusDays(rng.Next(0, 40));
        var clinics = new List<Clinic>();
        var bookings = new List<List<Interval>>();
        var usage = new List<RoomDayFigures>();
        for (var c = 0; c < rng.Next(1, 4); c++)
        {
            var opening = new List<OpeningRange>();
            foreach (var day in Enumerable.Range(1, 7).Select(d => (IsoDayOfWeek)d))
            {
                for (var k = rng.Next(0, 3); k > 0; k--)
                {
                    var a = rng.Next(0, 96);
                    var b = rng.Next(a + 1, 97);
                    opening.Add(new OpeningRange(day, new LocalTimeRange(LocalTime.Midnight.PlusMinutes(a * 15), LocalTime.Midnight.PlusMinutes(b * 15))));
                }
            }
            var zone = TimeZones.Get(Zones[rng.Next(Zones.Length)]);
            var closures = Enumerable.Range(0, rng.Next(0, 3))
                .Select(_ => from.PlusDays(rng.Next(0, 40)))
                .Select(d => new Closure(new DateRange(d, d.PlusDays(rng.Next(0, 2))), "closed"))
                .ToList();
            var rooms = Enumerable.Range(0, rng.Next(1, 4)).Select(r =>
            {
                var oos = Enumerable.Range(0, rng.Next(0, 3)).Select(_ =>
                {
                    var start = from.AtStartOfDayInZone(zone).ToInstant() + Duration.FromMinutes(rng.Next(0, 40 * 24 * 60));
                    return new OutOfServicePeriod(new Interval(start, start + Duration.FromMinutes(rng.Next(1, 3 * 24 * 60))), "repairs");
                }).ToList();
                return new Room($"r{r}", $"Room {r}", [], oos);
            }).ToList();
            var clinic = new Clinic($"c{c}", $"Clinic {c}", "", zone.Id, opening, closures, Clinic.DefaultCancellationWindow, rooms, []);
            clinics.Add(clinic);

            foreach (var room in rooms)
            {
                var placed = new List<Interval>();
                // A day before and after the period too: usage outside it must be ignored.
                foreach (var date in ReportPeriod.Dates(from.PlusDays(-1), to.PlusDays(1)))
                {
                    long treatment = 0;
                    var count = 0;
                    foreach (var window in OpenTime.RoomOpenIntervals(clinic, room, date))
                    {
                        var t = window.Start;
                        while (true)
                        {
                            t += Duration.FromMinutes(rng.Next(0, 4) * 15);
                            var end = t + Duration.FromMinutes(rng.Next(1, 7) * 15);
                            if (end > window.End)
                            {
                                break;
                            }
                            placed.Add(new Interval(t, end));
                            treatment += (long)(end - t).TotalMinutes;
                            count++;
                            t = end;
                        }
                    }
                    if (count > 0)
                    {
                        usage.Add(new RoomDayFigures(clinic.Id, room.Id, date, treatment, 0, count));
                    }
                }
                bookings.Add(placed);
            }
        }
        return new World(clinics, from, to, [.. bookings], usage);
    }

    [Property(MaxTest = 60)]
    public bool Room_utilisation_is_within_0_and_1_and_adds_up(int seed)
    {
        var world = MakeWorld(seed);
        foreach (var bucketing in new[] { ReportBucket.Day, ReportBucket.Week, ReportBucket.Month })
        {
            var result = UtilisationReports.RoomUtilisation(world.Clinics, world.Usage, world.From, world.To, bucketing);
            var all = result.Rooms.Concat(result.Clinics).Concat(result.Chain).ToList();
            if (all.Any(r => r.TreatmentMinutes < 0 || r.TreatmentMinutes > r.OpenMinutes))
            {
                return false;
            }
            foreach (var clinicRow in result.Clinics)
            {
                var rooms = result.Rooms.Where(r => r.ClinicId == clinicRow.ClinicId && r.BucketStart == clinicRow.BucketStart).ToList();
                if (clinicRow.OpenMinutes != rooms.Sum(r => r.OpenMinutes) || clinicRow.TreatmentMinutes != rooms.Sum(r => r.TreatmentMinutes)
                    || clinicRow.Appointments != rooms.Sum(r => r.Appointments))
                {
                    return false;
                }
            }
            foreach (var chainRow in result.Chain)
            {
                var clinics = result.Clinics.Where(r => r.BucketStart == chainRow.BucketStart).ToList();
                if (chainRow.OpenMinutes != clinics.Sum(r => r.OpenMinutes) || chainRow.TreatmentMinutes != clinics.Sum(r => r.TreatmentMinutes))
                {
                    return false;
                }
            }
            // Bucketing loses nothing: totals equal the day-by-day sums of the period.
            var open = world.Clinics.Sum(c => c.Rooms.Sum(r => ReportPeriod.Dates(world.From, world.To).Sum(d => OpenTime.RoomOpenMinutes(c, r, d))));
            var treatment = world.Usage.Where(u => u.Day >= world.From && u.Day <= world.To).Sum(u => u.TreatmentMinutes);
            if (result.Chain.Sum(r => r.OpenMinutes) != open || result.Chain.Sum(r => r.TreatmentMinutes) != treatment)
            {
                return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 40)]
    public bool Heatmap_holds_the_open_and_treatment_minutes_of_the_period_and_never_exceeds_100_percent(int seed)
    {
        var world = MakeWorld(seed);
        var b = 0;
        foreach (var clinic in world.Clinics)
        {
            var hours = new Dictionary<(LocalDate Date, int Hour), long>();
            foreach (var _ in clinic.Rooms)
            {
                OpenTime.AddHourMinutes(world.Bookings[b++], clinic.Zone, hours);
            }
            var usage = hours.Select(kv => new HourFigures(clinic.Id, kv.Key.Date, kv.Key.Hour, kv.Value));
            var cells = UtilisationReports.Heatmap(clinic, usage, world.From, world.To);
            if (cells.Any(c => c.TreatmentMinutes > c.OpenRoomMinutes))
            {
                return false;
            }
            var open = clinic.Rooms.Sum(r => ReportPeriod.Dates(world.From, world.To).Sum(d => OpenTime.RoomOpenMinutes(clinic, r, d)));
            var treatment = world.Usage.Where(u => u.ClinicId == clinic.Id && u.Day >= world.From && u.Day <= world.To).Sum(u => u.TreatmentMinutes);
            if (cells.Sum(c => c.OpenRoomMinutes) != open || cells.Sum(c => c.TreatmentMinutes) != treatment)
            {
                return false;
            }
        }
        return true;
    }
}
