using NmtPractice.Domain.Clinics;
using NodaTime;

namespace NmtPractice.Benchmarks;

/// <summary>One booking attempt: everything a variant needs, the same for every variant. The request id is made per attempt.</summary>
public sealed record BookingAttempt(
    string ClinicId,
    string TherapistId,
    string RoomId,
    string ClientId,
    Service Service,
    Instant Start,
    LocalDate Date = default)
{
    public Instant End => Start + Service.Duration;

    public Instant RoomFreeAt => End + Service.Turnover;
}

/// <summary>
/// The input streams. Each caller has its own seeded <see cref="Random"/>, so every variant sees the same sequence of
/// attempts per caller (a faster variant just gets further along it). Every attempt obeys the clinic's and roster's rules
/// (open hours, rostered therapist, qualification, room features), so refusals are only ever conflicts.
/// </summary>
public sealed class Workload
{
    public const string Natural = "natural";
    public const string Hot = "hot";
    /// <summary>The front desk's day: a burst per clinic each morning, each interaction a one-day search then a booking.</summary>
    public const string FrontDesk = "front-desk";

    private readonly BenchChain _chain;
    private readonly int _seed;
    private readonly DayPlan[,] _days; // [clinic, day offset]
    private readonly IReadOnlyList<BookingAttempt> _hot;
    private readonly int _burst;
    private readonly int _frontDeskDays;

    private sealed record DayPlan(LocalDate Date, int[] Working, DateTimeZone Zone);

    public Workload(string name, BenchChain chain, BenchOptions o, LocalDate today)
    {
        Name = name;
        _chain = chain;
        _seed = o.Seed;
        _burst = o.Burst;
        _frontDeskDays = o.FrontDeskDays;
        WindowStart = today.PlusDays(1);
        _days = new DayPlan[chain.ClinicCount, o.WindowDays];
        for (var c = 0; c < chain.ClinicCount; c++)
        {
            var zone = chain.Clinics[c].Zone;
            for (var d = 0; d < o.WindowDays; d++)
            {
                var date = WindowStart.PlusDays(d);
                var working = Enumerable.Range(0, chain.TherapistsPerClinic).Where(j => BenchChain.WorksOn(j, date.DayOfWeek)).ToArray();
                _days[c, d] = new DayPlan(date, working, zone);
            }
        }
        _hot = BuildHot(o.HotSlots, today.PlusDays(7));
    }

    public string Name { get; }

    public LocalDate WindowStart { get; }

    public IReadOnlyList<BookingAttempt> HotSlots => _hot;

    /// <summary>An endless stream for one caller of one run (the same for every variant).</summary>
    public IEnumerator<BookingAttempt> Stream(int caller, int run, int callers = 1)
    {
        var rnd = new Random(HashCode.Combine(_seed, caller, run, Name));
        for (long n = 0; ; n++)
        {
            yield return Name switch
            {
                Hot => HotAttempt(rnd),
                FrontDesk => FrontDeskInteraction(rnd, n * callers + caller),
                _ => NaturalAttempt(rnd),
            };
        }
    }

    /// <summary>
    /// The <paramref name="index"/>-th front-desk interaction of the run over all callers: mornings follow each other;
    /// within a morning every clinic gets <c>--burst</c> consecutive interactions, so the callers working at the same
    /// moment mostly serve the same clinic (its morning rush). Each books a random service for a random client on a
    /// day in the next <c>--front-desk-days</c> days after that morning; therapist and room come from the search.
    /// </summary>
    private BookingAttempt FrontDeskInteraction(Random rnd, long index)
    {
        var perMorning = (long)_chain.ClinicCount * _burst;
        var mornings = _days.GetLength(1) - _frontDeskDays;
        var morning = (int)(index / perMorning % mornings);
        var c = (int)(index % perMorning / _burst);
        var plan = _days[c, morning + 1 + rnd.Next(_frontDeskDays)];
        var service = BenchChain.Services[rnd.Next(BenchChain.Services.Count)];
        return new BookingAttempt(
            BenchChain.ClinicId(c), "", "", BenchChain.ClientId(rnd.Next(_chain.ClientCount)), service,
            plan.Date.At(BenchChain.Opens).InZoneLeniently(plan.Zone).ToInstant(), plan.Date);
    }

    private BookingAttempt HotAttempt(Random rnd)
    {
        var slot = _hot[rnd.Next(_hot.Count)];
        return slot with { ClientId = BenchChain.ClientId(rnd.Next(_chain.ClientCount)) };
    }

    private BookingAttempt NaturalAttempt(Random rnd)
    {
        var c = rnd.Next(_chain.ClinicCount);
        var plan = _days[c, rnd.Next(_days.GetLength(1))];
        var j = plan.Working[rnd.Next(plan.Working.Length)];
        var services = BenchChain.Services;
        var service = BenchChain.IsCertified(j) ? services[rnd.Next(services.Count)] : services[0];
        var room = service.RequiredFeatures.Count > 0 ? rnd.Next(_chain.HydraulicRooms) : rnd.Next(_chain.RoomsPerClinic);
        var lastStart = (int)(Period.Between(BenchChain.Opens, BenchChain.Closes).ToDuration() - service.RoomOccupancy).TotalMinutes;
        var start = BenchChain.Opens.PlusMinutes(15 * rnd.Next(lastStart / 15 + 1));
        return new BookingAttempt(
            BenchChain.ClinicId(c), BenchChain.TherapistId(c, j), BenchChain.RoomId(room),
            BenchChain.ClientId(rnd.Next(_chain.ClientCount)), service,
            plan.Date.At(start).InZoneLeniently(plan.Zone).ToInstant());
    }

    /// <summary>The hot slots: clinic 0, one day next week, different rostered therapists and rooms at 10:00 (then 11:00...).</summary>
    private List<BookingAttempt> BuildHot(int count, LocalDate date)
    {
        var clinic = _chain.Clinics[0];
        var working = Enumerable.Range(0, _chain.TherapistsPerClinic).Where(j => BenchChain.WorksOn(j, date.DayOfWeek)).ToList();
        var service = BenchChain.Services[0];
        return Enumerable.Range(0, count).Select(i =>
        {
            var j = working[i % working.Count];
            var hour = 10 + i / Math.Min(working.Count, _chain.RoomsPerClinic);
            return new BookingAttempt(clinic.Id, BenchChain.TherapistId(0, j), BenchChain.RoomId(i % _chain.RoomsPerClinic), BenchChain.ClientId(0),
                service, date.At(new LocalTime(hour, 0)).InZoneLeniently(clinic.Zone).ToInstant());
        }).ToList();
    }
}
