using NmtPractice.Domain.Time;
using Xunit.Abstractions;

namespace NmtPractice.Domain.Tests;

/// <summary>
/// Random worlds (two clinics in random zones, random opening hours, closures, rooms, services, therapists with
/// rotating rosters, leave, extra shifts, expiring qualifications and travel), a tiny in-memory "book" built from
/// the domain's rules, and brute-force checks that are written independently of the rules they check.
/// Seeded: a failure names its seed and can be replayed.
/// </summary>
public class BookingPropertyTests(ITestOutputHelper output)
{
    private const int Worlds = 80;
    private const int StepsPerWorld = 150;

    private static readonly string[] Features = [TestData.Table, TestData.Wheelchair, TestData.Quiet];
    private static readonly string[] QualificationCodes = ["nmt", "tp"];
    private static readonly string[] Zones = ["Europe/London", "America/New_York"];
    private static readonly string[] Clients = ["k1", "k2", "k3"];

    /// <summary>Mondays of ordinary weeks and of the weeks with a daylight-saving change in London or New York.</summary>
    private static readonly LocalDate[] WeekStarts =
    [
        new(2026, 6, 1), new(2026, 3, 23), new(2026, 10, 19), new(2026, 3, 2), new(2026, 10, 26), new(2026, 1, 5),
    ];

    /// <summary>
    /// Wall-clock boundaries for opening hours and shifts: 00:00 and 03:00-23:45 in quarter hours (plus 24:00).
    /// 01:00-02:59 is left out because a boundary inside a skipped or repeated hour has no single wall-clock
    /// meaning to check independently; <see cref="DaylightSavingTests"/> covers those.
    /// </summary>
    private static readonly LocalTime[] Boundaries =
        [LocalTime.Midnight, .. Enumerable.Range(12, 84).Select(q => LocalTime.Midnight.PlusMinutes(q * 15))];

    private sealed record World(
        IReadOnlyList<Clinic> Clinics,
        IReadOnlyList<Service> Services,
        IReadOnlyList<Therapist> Therapists,
        TravelMatrix Travel,
        LocalDate WeekStart,
        Instant Now);

    private sealed record Booking(Clinic Clinic, Service Service, Therapist Therapist, string RoomId, string ClientId, Interval Treatment, Interval Occupancy)
    {
        public override string ToString() =>
            $"{Service.Id} by {Therapist.Id} in {Clinic.Id}/{RoomId} for {ClientId} at {Treatment.Start.InZone(Clinic.Zone):yyyy-MM-dd HH:mm o<g>} ({Treatment.Start}..{Treatment.End})";
    }

    private sealed class Book(World world)
    {
        public List<Booking> Accepted { get; } = [];

        public DayCalendars CalendarsFor(Clinic clinic, string? clientId) => new(
            world.Therapists.ToDictionary(t => t.Id, t => (IReadOnlyList<TherapistBooking>)Accepted
                .Where(b => b.Therapist.Id == t.Id).Select(b => new TherapistBooking(Guid.Empty, b.Clinic.Id, b.Treatment)).ToList()),
            RoomBookingsOf(clinic),
            Accepted.Where(b => b.ClientId == clientId).Select(b => b.Treatment).ToList());

        private List<RoomBooking> RoomBookingsOf(Clinic clinic) =>
            Accepted.Where(b => b.Clinic.Id == clinic.Id).Select(b => new RoomBooking(Guid.Empty, b.RoomId, b.Treatment, b.Occupancy)).ToList();

        /// <summary>What a booking grain would do: every rule, then every calendar; records the booking only if all pass and <paramref name="commit"/>.</summary>
        public (Refusal? Refusal, string? RoomId) TryBook(Clinic clinic, Service service, Therapist therapist, Room? room, string clientId, Instant start, bool commit)
        {
            var treatment = new Interval(start, start + service.Duration);
            var occupancy = new Interval(start, treatment.End + service.Turnover);
            var placement = BookingRules.CheckPlacement(clinic, service, therapist, treatment, world.Now);
            if (placement is not null)
            {
                return (placement, null);
            }
            var roomBookings = RoomBookingsOf(clinic);
            string roomId;
            if (room is not null)
            {
                var refusal = BookingRules.CheckRoom(room, service, occupancy) ?? BookingRules.CheckRoomCalendar(roomBookings, room.Id, treatment, occupancy);
                if (refusal is not null)
                {
                    return (refusal, null);
                }
                roomId = room.Id;
            }
            else
            {
                var (chosen, refusal) = RoomAllocator.Choose(clinic, service, treatment, roomBookings);
                if (chosen is null)
                {
                    return (refusal, null);
                }
                roomId = chosen.Id;
            }
            var therapistBookings = Accepted.Where(b => b.Therapist.Id == therapist.Id)
                .Select(b => new TherapistBooking(Guid.Empty, b.Clinic.Id, b.Treatment)).ToList();
            var calendar = BookingRules.CheckTherapistCalendar(therapistBookings, therapist.Id, clinic.Id, treatment, world.Travel)
                ?? BookingRules.CheckClientCalendar(Accepted.Where(b => b.ClientId == clientId).Select(b => b.Treatment), clientId, treatment);
            if (calendar is not null)
            {
                return (calendar, null);
            }
            if (commit)
            {
                Accepted.Add(new Booking(clinic, service, therapist, roomId, clientId, treatment, occupancy));
            }
            return (null, roomId);
        }
    }

    [Fact]
    public void Random_schedules_never_double_book_never_break_a_rule_and_availability_offers_only_bookable_slots()
    {
        var stats = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        void Count(string key) => stats.AddOrUpdate(key, 1, (_, n) => n + 1);

        // Worlds are independent: run them in parallel to keep the suite fast. A failure names its seed.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(1, Worlds + 1, seed =>
        {
            var rng = new Random(seed);
            var world = RandomWorld(rng);
            var book = new Book(world);
            try
            {
                for (var step = 0; step < StepsPerWorld; step++)
                {
                    if (rng.NextDouble() < 0.4)
                    {
                        AvailabilityRound(rng, world, book, Count);
                    }
                    else
                    {
                        RandomAttempt(rng, world, book, Count);
                    }
                }
                CheckNoDoubleBooking(world, book.Accepted);
                foreach (var b in book.Accepted)
                {
                    CheckEveryRule(world, b);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"Seed {seed} (week {world.WeekStart}, zones {string.Join(",", world.Clinics.Select(c => c.TimeZoneId))}): {e.Message}");
            }
        });
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(5)));

        output.WriteLine(string.Join(Environment.NewLine, stats.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
        // The generator must actually reach the interesting cases, or the properties prove little.
        Assert.True(stats.GetValueOrDefault("accepted") > 800, string.Join("; ", stats.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(stats.GetValueOrDefault("slots checked") > 10000);
        foreach (var reason in new[]
        {
            RefusalReason.InThePast, RefusalReason.ClinicClosed, RefusalReason.OutsideOpeningHours, RefusalReason.OutsideRoster,
            RefusalReason.TherapistOnLeave, RefusalReason.Unqualified, RefusalReason.QualificationExpired, RefusalReason.RoomLacksFeatures,
            RefusalReason.RoomOutOfService, RefusalReason.TherapistBusy, RefusalReason.RoomBusy, RefusalReason.Turnover,
            RefusalReason.Travel, RefusalReason.ClientBusy, RefusalReason.NoSuitableRoom,
        })
        {
            Assert.True(stats.GetValueOrDefault($"refused {reason}") > 0, $"no attempt was refused with {reason}");
        }
    }

    private static void RandomAttempt(Random rng, World world, Book book, Action<string> count)
    {
        var clinic = Pick(rng, world.Clinics);
        var service = Pick(rng, world.Services);
        var therapist = Pick(rng, world.Therapists);
        var room = rng.NextDouble() < 0.5 ? null : Pick(rng, clinic.Rooms);
        var client = Pick(rng, Clients);
        var date = world.WeekStart.PlusDays(rng.Next(7));
        var start = date.AtStartOfDayInZone(clinic.Zone).ToInstant() + Duration.FromMinutes(5 * rng.Next(288));
        var open = clinic.OpeningHours.Where(o => o.Day == date.DayOfWeek).ToList();
        if (open.Count > 0 && rng.NextDouble() < 0.75)
        {
            // Aim near the opening hours: most attempts then meet the roster and the calendars rather than a locked door.
            var hours = Pick(rng, open).Hours.ToInterval(date, clinic.Zone);
            start = hours.Start + Duration.FromMinutes(5 * rng.Next(-6, (int)(hours.Duration.TotalMinutes / 5) + 1));
        }
        if (book.Accepted.Count > 0 && rng.NextDouble() < 0.4)
        {
            // Aim at an existing booking: same therapist, room or client, here or at the other clinic, a little earlier or later.
            var near = Pick(rng, book.Accepted);
            clinic = rng.NextDouble() < 0.6 ? near.Clinic : Pick(rng, world.Clinics);
            therapist = rng.NextDouble() < 0.6 ? near.Therapist : therapist;
            client = rng.NextDouble() < 0.5 ? near.ClientId : client;
            room = clinic == near.Clinic && rng.NextDouble() < 0.5 ? clinic.Rooms.Single(r => r.Id == near.RoomId)
                : room is null ? null : Pick(rng, clinic.Rooms);
            start = near.Treatment.Start + Duration.FromMinutes(5 * rng.Next(-24, 25));
        }
        var before = book.Accepted.Count;
        var (refusal, _) = book.TryBook(clinic, service, therapist, room, client, start, commit: true);
        count(refusal is null ? "accepted" : $"refused {refusal.Reason}");
        if (refusal is null)
        {
            CheckEveryRule(world, book.Accepted[^1]);
        }
        else
        {
            Assert.Equal(before, book.Accepted.Count);
        }
    }

    private static void AvailabilityRound(Random rng, World world, Book book, Action<string> count)
    {
        var clinic = Pick(rng, world.Clinics);
        var service = Pick(rng, world.Services);
        var date = world.WeekStart.PlusDays(rng.Next(7));
        var client = rng.NextDouble() < 0.7 ? Pick(rng, Clients) : null;
        var grid = Duration.FromMinutes(rng.NextDouble() < 0.85 ? 15 : 5);
        var calendars = book.CalendarsFor(clinic, client);
        var slots = Availability.ForDay(clinic, service, world.Therapists, date, calendars, world.Travel, world.Now, grid, client).ToList();
        count("availability searches");
        Assert.Equal(slots.Count, slots.Select(s => (s.Start, s.TherapistId)).Distinct().Count());

        var anchor = date.AtStartOfDayInZone(clinic.Zone).ToInstant();
        foreach (var slot in slots.Count <= 40 ? slots : slots.OrderBy(_ => rng.Next()).Take(40).ToList())
        {
            count("slots checked");
            var therapist = world.Therapists.Single(t => t.Id == slot.TherapistId);
            var room = clinic.Rooms.Single(r => r.Id == slot.RoomId);
            Assert.Equal(slot.Start + service.Duration, slot.End);
            Assert.Equal(0, (slot.Start - anchor).BclCompatibleTicks % grid.BclCompatibleTicks);
            Assert.Equal(date, slot.Start.InZone(clinic.Zone).Date);
            Assert.Equal(slot.LocalStart, slot.Start.InZone(clinic.Zone).LocalDateTime);
            Assert.Equal(clinic.Zone.GetUtcOffset(slot.Start), slot.Offset);

            // (d) brute force: the slot breaks no rule, and nothing already booked blocks it.
            var candidate = new Booking(clinic, service, therapist, room.Id, client ?? "nobody", new Interval(slot.Start, slot.End),
                new Interval(slot.Start, slot.End + service.Turnover));
            CheckEveryRule(world, candidate);
            foreach (var existing in book.Accepted)
            {
                CheckPair(world, candidate, existing, checkClient: client is not null);
            }
        }

        // (c) the booking path accepts what search offers, with the offered room or with "any room".
        foreach (var slot in slots.OrderBy(_ => rng.Next()).Take(6))
        {
            var therapist = world.Therapists.Single(t => t.Id == slot.TherapistId);
            var room = clinic.Rooms.Single(r => r.Id == slot.RoomId);
            var (asOffered, _) = book.TryBook(clinic, service, therapist, room, client ?? "nobody", slot.Start, commit: false);
            Assert.True(asOffered is null, $"offered slot {slot.LocalStart} {slot.TherapistId}/{slot.RoomId} refused: {asOffered?.Reason} {asOffered?.Message}");
            var (anyRoom, chosen) = book.TryBook(clinic, service, therapist, null, client ?? "nobody", slot.Start, commit: false);
            Assert.True(anyRoom is null, $"offered slot {slot.LocalStart} refused with any room: {anyRoom?.Reason} {anyRoom?.Message}");
            Assert.Equal(slot.RoomId, chosen);
        }

        if (slots.Count > 0 && client is not null && rng.NextDouble() < 0.9)
        {
            var slot = Pick(rng, slots);
            var therapist = world.Therapists.Single(t => t.Id == slot.TherapistId);
            var (refusal, roomId) = book.TryBook(clinic, service, therapist, null, client, slot.Start, commit: true);
            Assert.Null(refusal);
            Assert.Equal(slot.RoomId, roomId);
            count("accepted");
            count("accepted from availability");
        }
    }

    // ---------------------------------------------------------------- independent checks

    /// <summary>(a) No therapist, room (occupancy incl. turnover) or client is in two overlapping bookings; travel is respected.</summary>
    private static void CheckNoDoubleBooking(World world, List<Booking> accepted)
    {
        for (var i = 0; i < accepted.Count; i++)
        {
            for (var j = i + 1; j < accepted.Count; j++)
            {
                CheckPair(world, accepted[i], accepted[j], checkClient: true);
            }
        }
    }

    private static void CheckPair(World world, Booking a, Booking b, bool checkClient)
    {
        static bool Overlap(Interval x, Interval y) => x.Start < y.End && y.Start < x.End;

        if (a.Therapist.Id == b.Therapist.Id)
        {
            Assert.False(Overlap(a.Treatment, b.Treatment), $"therapist double-booked: {a} / {b}");
            if (a.Clinic.Id != b.Clinic.Id)
            {
                var travel = TravelBetween(world.Travel, a.Clinic.Id, b.Clinic.Id);
                var gap = a.Treatment.Start >= b.Treatment.End ? a.Treatment.Start - b.Treatment.End : b.Treatment.Start - a.Treatment.End;
                Assert.True(gap >= travel, $"no time to travel {travel.TotalMinutes} min: {a} / {b}");
            }
        }
        if (a.Clinic.Id == b.Clinic.Id && a.RoomId == b.RoomId)
        {
            Assert.False(Overlap(a.Occupancy, b.Occupancy), $"room double-booked (incl. turnover): {a} / {b}");
        }
        if (checkClient && a.ClientId == b.ClientId)
        {
            Assert.False(Overlap(a.Treatment, b.Treatment), $"client double-booked: {a} / {b}");
        }
    }

    private static Duration TravelBetween(TravelMatrix m, string x, string y)
    {
        if (x == y)
        {
            return Duration.Zero;
        }
        var pair = m.Pairs.FirstOrDefault(p => (p.ClinicA, p.ClinicB) == (x, y) || (p.ClinicA, p.ClinicB) == (y, x));
        return pair?.Duration ?? m.Default;
    }

    /// <summary>
    /// (b) The booking breaks none of the rules of invariant 2, checked minute by minute on the clinic's wall clock
    /// (every random boundary and start is on a 5-minute grid, so sampling every 5 minutes sees every change),
    /// without the domain's interval arithmetic.
    /// </summary>
    private static void CheckEveryRule(World world, Booking b)
    {
        var zone = b.Clinic.Zone;
        var date = b.Treatment.Start.InZone(zone).Date;
        Assert.True(b.Treatment.Start >= world.Now, $"in the past: {b}");
        Assert.DoesNotContain(b.Clinic.Closures, c => c.Dates.From <= date && date <= c.Dates.To);
        var room = b.Clinic.Rooms.Single(r => r.Id == b.RoomId);
        Assert.All(b.Service.RequiredFeatures, f => Assert.Contains(f, room.Features));
        Assert.DoesNotContain(room.OutOfService, p => p.Period.Start < b.Occupancy.End && b.Occupancy.Start < p.Period.End);
        if (b.Service.RequiredQualification is { } code)
        {
            Assert.Contains(b.Therapist.Qualifications, q => q.Code == code && (q.ExpiresOn is null || date <= q.ExpiresOn));
        }
        Assert.DoesNotContain(b.Therapist.Exceptions, e => e.Kind != RosterExceptionKind.ExtraShift
            && e.Period.Start < b.Treatment.End && b.Treatment.Start < e.Period.End);

        for (var m = b.Treatment.Start; m < b.Treatment.End; m += Duration.FromMinutes(5))
        {
            var local = m.InZone(zone).LocalDateTime;
            Assert.True(local.Date == date, $"crosses midnight: {b}");
            Assert.True(b.Clinic.OpeningHours.Any(o => o.Day == date.DayOfWeek && InRange(o.Hours, local.TimeOfDay)),
                $"clinic not open at {local}: {b}");
            var instant = m;
            var rostered = b.Therapist.Rosters.Any(r => r.ClinicId == b.Clinic.Id
                && (r.From is null || date >= r.From) && (r.Until is null || date <= r.Until)
                && r.Shifts.Any(s => s.Week == WeekOfCycle(r, date) && s.Day == date.DayOfWeek && InRange(s.Hours, local.TimeOfDay)));
            var extra = b.Therapist.Exceptions.Any(e => e.Kind == RosterExceptionKind.ExtraShift && e.ClinicId == b.Clinic.Id
                && e.Period.Start <= instant && instant < e.Period.End);
            Assert.True(rostered || extra, $"therapist not working at {local}: {b}");
        }
    }

    private static bool InRange(LocalTimeRange range, LocalTime t) => range.Start <= t && (range.End == LocalTime.Midnight || t < range.End);

    private static int WeekOfCycle(Roster r, LocalDate date)
    {
        static DateTime MondayOf(LocalDate d) => d.ToDateTimeUnspecified().AddDays(-(((int)d.DayOfWeek + 6) % 7));
        var weeks = (int)Math.Floor((MondayOf(date) - MondayOf(r.Anchor)).TotalDays / 7);
        return ((weeks % r.CycleWeeks) + r.CycleWeeks) % r.CycleWeeks;
    }

    // ---------------------------------------------------------------- random worlds

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>One or two non-overlapping wall-clock ranges on the boundary grid (the last may end at 24:00).</summary>
    private static List<LocalTimeRange> RandomRanges(Random rng)
    {
        var count = rng.NextDouble() < 0.25 ? 4 : 2;
        var points = new SortedSet<int>();
        while (points.Count < count)
        {
            points.Add(rng.Next(Boundaries.Length + 1)); // Boundaries.Length stands for 24:00
        }
        var sorted = points.ToList();
        var result = new List<LocalTimeRange>();
        for (var i = 0; i < sorted.Count; i += 2)
        {
            var end = sorted[i + 1] == Boundaries.Length ? LocalTime.Midnight : Boundaries[sorted[i + 1]];
            result.Add(new LocalTimeRange(Boundaries[sorted[i]], end));
        }
        return result;
    }

    private static Interval RandomPeriod(Random rng, Instant weekStart, int maxMinutes)
    {
        var start = weekStart + Duration.FromMinutes(5 * rng.Next(-288, 8 * 288));
        return new Interval(start, start + Duration.FromMinutes(5 * rng.Next(1, (maxMinutes / 5) + 1)));
    }

    private static World RandomWorld(Random rng)
    {
        var weekStart = Pick(rng, WeekStarts);
        var weekStartInstant = weekStart.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var now = weekStartInstant + Duration.FromMinutes(rng.Next(0, 30 * 60));

        var services = Enumerable.Range(1, rng.Next(1, 5)).Select(i => new Service(
            $"s{i}", $"Service {i}",
            Duration.FromMinutes(15 * rng.Next(1, 7)),
            Duration.FromMinutes(5 * rng.Next(0, 4)),
            Features.Where(_ => rng.NextDouble() < 0.25).ToList(),
            rng.NextDouble() < 0.3 ? null : Pick(rng, QualificationCodes),
            50m)).ToList();

        var clinics = new[] { "c1", "c2" }.Select(id =>
        {
            var hours = TestData.EveryDay.Where(_ => rng.NextDouble() < 0.85)
                .SelectMany(d => RandomRanges(rng).Select(h => new OpeningRange(d, h))).ToList();
            var closed = weekStart.PlusDays(rng.Next(7));
            var closures = rng.NextDouble() < 0.25 ? new List<Closure> { new(new DateRange(closed, closed.PlusDays(rng.Next(2))), "holiday") } : [];
            var rooms = Enumerable.Range(1, rng.Next(1, 7)).Select(i => new Room(
                $"r{i}", $"Room {i}",
                Features.Where(_ => rng.NextDouble() < 0.5).ToList(),
                rng.NextDouble() < 0.25 ? [new OutOfServicePeriod(RandomPeriod(rng, weekStartInstant, 24 * 60), "repairs")] : [])).ToList();
            return new Clinic(id, $"Clinic {id}", "somewhere", Pick(rng, Zones), hours, closures, Clinic.DefaultCancellationWindow, rooms, services);
        }).ToList();

        var therapists = Enumerable.Range(1, rng.Next(1, 6)).Select(i =>
        {
            var rosters = clinics.Where(_ => rng.NextDouble() < 0.8).Select(c =>
            {
                var cycle = rng.Next(1, 4);
                var shifts = new List<RosterShift>();
                for (var week = 0; week < cycle; week++)
                {
                    foreach (var day in TestData.EveryDay.Where(_ => rng.NextDouble() < 0.7))
                    {
                        // Half the shifts follow the clinic's hours that day, so that bookable time is common.
                        var hours = rng.NextDouble() < 0.5 ? c.OpeningHours.Where(o => o.Day == day).Select(o => o.Hours).ToList() : RandomRanges(rng);
                        shifts.AddRange(hours.Select(h => new RosterShift(week, day, h)));
                    }
                }
                var from = rng.NextDouble() < 0.2 ? weekStart.PlusDays(rng.Next(7)) : (LocalDate?)null;
                var until = rng.NextDouble() < 0.2 ? (from ?? weekStart).PlusDays(rng.Next(7)) : (LocalDate?)null;
                return new Roster(c.Id, cycle, weekStart.PlusDays(rng.Next(-40, 40)), shifts, from, until);
            }).ToList();
            var exceptions = new List<RosterException>();
            for (var n = 0; n < rng.Next(0, 3); n++)
            {
                var kind = rng.NextDouble() < 0.5 ? RosterExceptionKind.ExtraShift : rng.NextDouble() < 0.5 ? RosterExceptionKind.Leave : RosterExceptionKind.Sickness;
                exceptions.Add(new RosterException($"e{n}", kind, RandomPeriod(rng, weekStartInstant, kind == RosterExceptionKind.ExtraShift ? 8 * 60 : 36 * 60),
                    kind == RosterExceptionKind.ExtraShift ? Pick(rng, clinics).Id : null, ""));
            }
            var qualifications = QualificationCodes.Where(_ => rng.NextDouble() < 0.8)
                .Select(code => new Qualification(code, rng.NextDouble() < 0.5 ? null : weekStart.PlusDays(rng.Next(-3, 8)))).ToList();
            return new Therapist($"t{i}", $"Therapist {i}", qualifications, rosters, exceptions);
        }).ToList();

        var travel = new TravelMatrix(Duration.FromMinutes(5 * rng.Next(0, 13)),
            rng.NextDouble() < 0.5 ? [new TravelTime("c1", "c2", Duration.FromMinutes(5 * rng.Next(0, 19)))] : []);

        var world = new World(clinics, services, therapists, travel, weekStart, now);
        foreach (var clinic in clinics)
        {
            Assert.Null(ConfigValidation.Clinic(clinic));
        }
        foreach (var therapist in therapists)
        {
            Assert.Null(ConfigValidation.Therapist(therapist));
        }
        Assert.Null(ConfigValidation.Travel(travel));
        return world;
    }
}
