using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;

namespace NmtPractice.Server.Seeding;

/// <summary>
/// Generates exactly <see cref="SeedOptions.Appointments"/> appointments for a <see cref="GeneratedChain"/> that satisfy the
/// ledger's exclusion constraints by construction, so the bulk load never relies on catching a violation.
/// <para>
/// Per clinic and local date, the day is first packed: therapists working there (roster, leave, closures and
/// opening hours, via the domain) take turns in order of their next free minute; each picks a service it is
/// qualified for and the best-fitting free room with the required features; a room is free again after the
/// turnover, and a session and its turnover stay inside the opening hours. Candidate starts never go back in time
/// within a day, so no therapist or room is ever double-booked. Then exactly the requested number of candidates
/// is chosen uniformly over the whole period (selection sampling); the rest stay free.
/// </para>
/// <para>
/// A client is chosen within the clinic's city (mostly from the clinic's own regulars) and has at most one
/// appointment per local date there, so no client overlaps either. Status by time: past ones fulfilled, about 5%
/// no-shows and 11% cancelled (a quarter of those late, inside the 24-hour window); one in progress has arrived;
/// future ones booked, about 10% already cancelled. Deterministic for a given seed and <c>now</c>.
/// </para>
/// </summary>
public sealed class AppointmentGenerator
{
    public const string RequestIdPrefix = "seed:";

    private static readonly string[] CancelReasons = ["client-request", "client-request", "client-request", "illness", "illness", "clinic-request"];

    private readonly GeneratedChain _chain;
    private readonly Instant _now;
    private readonly ClinicPlan[] _plans;
    private readonly int[] _serviceWeights = [15, 40, 25, 20];
    private long? _capacity;

    public AppointmentGenerator(GeneratedChain chain, Instant now)
    {
        ArgumentNullException.ThrowIfNull(chain);
        _chain = chain;
        _now = now;
        _plans = chain.Clinics.Select((clinic, c) => new ClinicPlan(c, clinic,
            chain.Therapists.Where(t => t.Rosters.Any(r => r.ClinicId == clinic.Id)).ToArray(), chain.Services)).ToArray();
    }

    public int Requested => _chain.Options.Appointments;

    /// <summary>How many sessions fit the period when every therapist's day is packed (computed once).</summary>
    public long Capacity => _capacity ??= CountCapacity();

    /// <summary>The appointments in date order (clinic by clinic within a date). Throws if they cannot fit.</summary>
    public IEnumerable<AppointmentRecord> Generate()
    {
        var wanted = (long)Requested;
        if (wanted > Capacity)
        {
            throw new InvalidOperationException(
                $"{wanted} appointments do not fit: the chain holds at most {Capacity} over {_chain.Options.Days} days "
                + "with every therapist fully booked. Lower --appointments, or raise --therapists or --days.");
        }
        var select = new Random(SeedMix.Int(_chain.Options.Seed, 11, 0));
        var statusRandom = new Random(SeedMix.Int(_chain.Options.Seed, 13, 0));
        var clientRandom = new Random(SeedMix.Int(_chain.Options.Seed, 17, 0));
        var idBytes = new byte[16];
        var remainingCandidates = Capacity;
        long chosen = 0;
        var candidates = new List<Candidate>(256);
        var usedToday = Enumerable.Range(0, _chain.ZoneGroups).Select(_ => new HashSet<int>()).ToArray();
        for (var date = _chain.FirstDate; date <= _chain.LastDate && chosen < wanted; date = date.PlusDays(1))
        {
            foreach (var used in usedToday)
            {
                used.Clear();
            }
            foreach (var plan in _plans)
            {
                Pack(plan, date, candidates);
                foreach (var candidate in candidates)
                {
                    // Selection sampling (Knuth's algorithm S): exactly `wanted` of all candidates, uniformly.
                    var take = select.NextInt64(remainingCandidates) < wanted - chosen;
                    remainingCandidates--;
                    if (!take)
                    {
                        continue;
                    }
                    var client = PickClient(plan.Index, usedToday[_chain.ZoneGroupOfClinic(plan.Index)], clientRandom);
                    statusRandom.NextBytes(idBytes);
                    yield return Build(plan, candidate, client, new Guid(idBytes), chosen, statusRandom);
                    chosen++;
                }
            }
        }
    }

    private long CountCapacity()
    {
        long total = 0;
        var candidates = new List<Candidate>(256);
        for (var date = _chain.FirstDate; date <= _chain.LastDate; date = date.PlusDays(1))
        {
            foreach (var plan in _plans)
            {
                Pack(plan, date, candidates);
                total += candidates.Count;
            }
        }
        return total;
    }

    /// <summary>Packs one clinic-day into <paramref name="into"/> (cleared first); the same clinic and date always pack alike.</summary>
    private void Pack(ClinicPlan plan, LocalDate date, List<Candidate> into)
    {
        into.Clear();
        var clinic = plan.Clinic;
        var open = clinic.OpenIntervals(date);
        if (open.Count == 0)
        {
            return;
        }
        var rnd = new Random(SeedMix.Int(_chain.Options.Seed, 5, ((long)plan.Index << 32) | (uint)(date.Year * 400 + date.DayOfYear)));
        var working = new List<Worker>();
        foreach (var (therapist, certified) in plan.Therapists)
        {
            var shifts = Intervals.Intersect(therapist.WorkingIntervals(clinic.Id, clinic.Zone, date), open);
            if (shifts.Count > 0)
            {
                working.Add(new Worker(therapist.Id, certified, shifts));
            }
        }
        var roomFree = new Instant[clinic.Rooms.Count];
        Array.Fill(roomFree, Instant.MinValue);
        while (working.Count > 0)
        {
            var w = working[0];
            foreach (var other in working)
            {
                if (other.Cursor < w.Cursor)
                {
                    w = other;
                }
            }
            var shift = w.Shifts[w.Shift];
            var openEnd = open.First(o => o.Start <= shift.Start && shift.End <= o.End).End;
            var service = PickService(w.Certified, rnd);
            if (!Fits(service, w.Cursor, shift, openEnd))
            {
                service = _chain.Services[3];
                if (!Fits(service, w.Cursor, shift, openEnd))
                {
                    if (++w.Shift < w.Shifts.Count)
                    {
                        var next = w.Shifts[w.Shift].Start;
                        w.Cursor = next > w.Cursor ? next : w.Cursor;
                    }
                    else
                    {
                        working.Remove(w);
                    }
                    continue;
                }
            }
            var serviceIndex = Array.IndexOf(_chain.Services, service);
            var room = BestFreeRoom(plan.RoomExtras[serviceIndex], roomFree, w.Cursor, out var nextFree);
            if (room < 0)
            {
                if (nextFree == Instant.MaxValue)
                {
                    working.Remove(w);
                }
                else
                {
                    w.Cursor = nextFree;
                }
                continue;
            }
            var end = w.Cursor + service.Duration;
            var free = end + service.Turnover;
            into.Add(new Candidate(w.TherapistId, room, serviceIndex, w.Cursor, end, free));
            roomFree[room] = free;
            // Mostly back to back; sometimes a short break, once in a while a longer one.
            w.Cursor = end + Duration.FromMinutes(rnd.Next(10) switch { < 6 => 0, < 8 => 5, 8 => 10, _ => 30 });
        }
    }

    private static bool Fits(Service service, Instant start, Interval shift, Instant openEnd) =>
        start + service.Duration <= shift.End && start + service.RoomOccupancy <= openEnd;

    private Service PickService(bool certified, Random rnd)
    {
        if (!certified)
        {
            return _chain.Services[3];
        }
        var roll = rnd.Next(100);
        for (var i = 0; i < _serviceWeights.Length; i++)
        {
            roll -= _serviceWeights[i];
            if (roll < 0)
            {
                return _chain.Services[i];
            }
        }
        return _chain.Services[^1];
    }

    /// <summary>
    /// The free room with the required features and the fewest extra ones (lowest index on a tie), or -1 and the
    /// instant the first suitable room frees up. <paramref name="extras"/>: extra features per room, -1 if unsuitable.
    /// </summary>
    private static int BestFreeRoom(int[] extras, Instant[] roomFree, Instant at, out Instant nextFree)
    {
        var best = -1;
        var bestExtra = int.MaxValue;
        nextFree = Instant.MaxValue;
        for (var r = 0; r < extras.Length; r++)
        {
            if (extras[r] < 0)
            {
                continue;
            }
            if (roomFree[r] > at)
            {
                if (roomFree[r] < nextFree)
                {
                    nextFree = roomFree[r];
                }
                continue;
            }
            if (extras[r] < bestExtra)
            {
                best = r;
                bestExtra = extras[r];
            }
        }
        return best;
    }

    /// <summary>
    /// A client of the clinic's city without an appointment there today: usually one of the clinic's regulars
    /// (clients k with k / cities ≡ clinic rank within the city), otherwise anyone from the city.
    /// </summary>
    private int PickClient(int clinicIndex, HashSet<int> usedToday, Random rnd)
    {
        var groups = _chain.ZoneGroups;
        var group = _chain.ZoneGroupOfClinic(clinicIndex);
        var inGroup = (_chain.Options.Clients - group + groups - 1) / groups;
        if (usedToday.Count >= inGroup)
        {
            throw new InvalidOperationException(
                $"Too few clients: all {inGroup} clients of clinic {_chain.Clinics[clinicIndex].Id}'s city already have an appointment that day. Raise --clients.");
        }
        var clinicsInGroup = (_chain.Options.Clinics - group + groups - 1) / groups;
        var rank = clinicIndex / groups;
        var regulars = (inGroup - rank + clinicsInGroup - 1) / clinicsInGroup;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var m = rnd.Next(10) < 7 && regulars > 0 ? rank + clinicsInGroup * rnd.Next(regulars) : rnd.Next(inGroup);
            if (usedToday.Add(m))
            {
                return group + groups * m;
            }
        }
        for (var m = 0; ; m++)
        {
            if (usedToday.Add(m))
            {
                return group + groups * m;
            }
        }
    }

    private AppointmentRecord Build(ClinicPlan plan, Candidate c, int client, Guid id, long n, Random rnd)
    {
        var service = _chain.Services[c.Service];
        var start = c.Start;
        var end = c.End;
        // Booked 1 to 45 days ahead (never after now).
        var created = start - Duration.FromMinutes(60 * 24 + rnd.Next(60 * 24 * 44));
        if (created > _now)
        {
            created = _now - Duration.FromMinutes(rnd.Next(60 * 24 * 30));
        }
        var window = plan.Clinic.CancellationWindow;
        AppointmentStatus status;
        string? reason = null;
        var late = false;
        var updated = created;
        var version = 1;
        if (end <= _now)
        {
            var roll = rnd.Next(1000);
            if (roll < 50)
            {
                (status, updated, version) = (AppointmentStatus.NoShow, end + Duration.FromMinutes(rnd.Next(5, 60)), 2);
            }
            else if (roll < 160)
            {
                status = AppointmentStatus.Cancelled;
                late = rnd.Next(4) == 0;
                updated = late
                    ? start - Duration.FromMinutes(rnd.Next(30, (int)window.TotalMinutes))
                    : start - window - Duration.FromMinutes(rnd.Next(60 * 24 * 10));
                if (updated <= created)
                {
                    created = updated - Duration.FromMinutes(rnd.Next(60, 60 * 24 * 7));
                }
                reason = CancelReasons[rnd.Next(CancelReasons.Length)];
                version = 2;
            }
            else
            {
                (status, updated, version) = (AppointmentStatus.Fulfilled, end + Duration.FromMinutes(rnd.Next(1, 30)), 3);
            }
        }
        else if (start <= _now)
        {
            (status, updated, version) = (AppointmentStatus.Arrived, start - Duration.FromMinutes(rnd.Next(1, 15)), 2);
            if (updated <= created)
            {
                created = updated - Duration.FromDays(1);
            }
        }
        else if (rnd.Next(100) < 10)
        {
            status = AppointmentStatus.Cancelled;
            var span = (_now - created).TotalMinutes;
            updated = created + Duration.FromMinutes(1 + rnd.NextInt64(Math.Max(1, (long)span)));
            late = updated > start - window;
            reason = CancelReasons[rnd.Next(CancelReasons.Length)];
            version = 2;
        }
        else
        {
            status = AppointmentStatus.Booked;
        }
        return new AppointmentRecord(id, $"{RequestIdPrefix}{n + 1:D8}", plan.Clinic.Id, c.TherapistId, GeneratedChain.RoomId(c.Room),
            GeneratedChain.ClientId(client), service.Id, start, end, c.RoomFreeAt, status, HoldExpiresAt: null, reason, late, created, updated, version);
    }

    private sealed class ClinicPlan(int index, Clinic clinic, Therapist[] therapists, Service[] services)
    {
        public int Index { get; } = index;
        public Clinic Clinic { get; } = clinic;

        /// <summary>Per service, per room: how many features the room has beyond the service's needs, or -1 if it lacks one.</summary>
        public int[][] RoomExtras { get; } = services.Select(s => clinic.Rooms
            .Select(r => r.HasFeatures(s.RequiredFeatures) ? r.ExtraFeatureCount(s.RequiredFeatures.ToArray()) : -1).ToArray()).ToArray();

        public (Therapist Therapist, bool Certified)[] Therapists { get; } =
            therapists.Select(t => (t, t.Qualifications.Any(q => q.Code == GeneratedChain.NmtCertified))).ToArray();
    }

    private sealed class Worker(string therapistId, bool certified, List<Interval> shifts)
    {
        public string TherapistId { get; } = therapistId;
        public bool Certified { get; } = certified;
        public List<Interval> Shifts { get; } = shifts;
        public int Shift { get; set; }
        public Instant Cursor { get; set; } = shifts[0].Start;
    }

    private readonly record struct Candidate(string TherapistId, int Room, int Service, Instant Start, Instant End, Instant RoomFreeAt);
}
