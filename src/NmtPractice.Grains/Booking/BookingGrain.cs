using System.Diagnostics;
using NmtPractice.Grains.Calendars;
using NmtPractice.Grains.Infrastructure;
using NmtPractice.Grains.Records;

namespace NmtPractice.Grains.Booking;

/// <summary>
/// The booking coordinator. It checks the rules, takes tentative reservations on the three calendars that could be
/// double-booked (therapist-day, then clinic-day for the room, then client calendar, in that order for everyone; each refusing conflicts in
/// memory), then commits with one ledger write whose exclusion constraints are the last word, and finally commits or
/// releases the reservations. If it dies half-way, the reservations expire by themselves.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class BookingGrain(LedgerInsertBatcher writer, AppointmentLedger ledger, IClock clock, NmtMetrics metrics, ILogger<BookingGrain> logger)
    : Grain, IBookingGrain
{
    public const int AlternativesCount = 3;

    /// <summary>How long computed alternatives are reused for further conflicts on the same day.</summary>
    public static readonly Duration AlternativesFreshness = Duration.FromSeconds(1);

    // Reentrant grains still run one turn at a time, so a plain dictionary is safe here.
    private readonly Dictionary<(string Clinic, string Service, string? Therapist, LocalDate Date), (Instant At, IReadOnlyList<AvailableSlot> Slots)> _alternatives = [];

    /// <summary>How long a retry waits for the same request's first attempt to reach the ledger.</summary>
    public static readonly Duration InFlightWait = Duration.FromSeconds(5);

    async Task<Result<AppointmentRecord>> IBookingGrain.Book(BookingRequest request)
    {
        using var activity = NmtMetrics.Activities.StartActivity("nmt.book");
        var started = Stopwatch.GetTimestamp();
        var result = await BookCore(request);
        metrics.BookingLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (result.Refusal is { } refusal)
        {
            metrics.Refusals.Add(1, new KeyValuePair<string, object?>("reason", refusal.Code));
            activity?.SetTag("nmt.refusal", refusal.Code);
        }
        return result;
    }

    private async Task<Result<AppointmentRecord>> BookCore(BookingRequest r)
    {
        if (Validate(r) is { } invalid)
        {
            return invalid;
        }
        var now = clock.GetCurrentInstant();
        var clinicTask = GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(r.ClinicId)).Get();
        var clientTask = GrainFactory.GetGrain<IClientGrain>(GrainKeys.Client(r.ClientId)).Get();
        var travelTask = GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).GetTravel();
        if (await clinicTask is not { } clinic)
        {
            return Refusal.NotFound("clinic_id", $"Clinic {r.ClinicId} does not exist.");
        }
        if (clinic.FindService(r.ServiceId) is not { } service)
        {
            return Refusal.NotFound("service_id", $"Clinic {clinic.Id} has no service '{r.ServiceId}'.");
        }
        var room = r.RoomId is null ? null : clinic.FindRoom(r.RoomId);
        if (r.RoomId is not null && room is null)
        {
            return Refusal.NotFound("room_id", $"Clinic {clinic.Id} has no room '{r.RoomId}'.");
        }
        if (await clientTask is null)
        {
            return Refusal.NotFound("client_id", $"Client {r.ClientId} does not exist.");
        }
        var treatment = new Interval(r.Start, r.Start + service.Duration);
        var date = clinic.LocalDateOf(r.Start);

        var (candidates, placementRefusal) = await Candidates(clinic, service, r.TherapistId, treatment, now);
        if (placementRefusal is not null)
        {
            return placementRefusal;
        }
        if (room is not null && BookingRules.CheckRoom(room, service, new Interval(treatment.Start, treatment.End + service.Turnover)) is { } roomRule)
        {
            return roomRule;
        }
        var travel = await travelTask;

        var clinicDay = GrainFactory.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(clinic.Id, date));
        var clientCalendar = GrainFactory.GetGrain<IClientCalendarGrain>(GrainKeys.ClientCalendar(r.ClientId));
        var deadline = now + InFlightWait;
        for (var round = 1; ; round++)
        {
            var (booked, refusal) = await TryCandidates(r, clinic, service, candidates, treatment, date, travel, clinicDay, clientCalendar);
            if (booked is not null)
            {
                return booked;
            }
            if (refusal.Reason != RefusalReason.RequestInProgress)
            {
                return await WithAlternatives(refusal, clinic, service, r, date);
            }
            // Another attempt of this request is here: it booked already, or it is being decided right now (then both
            // attempts may have stepped back; a random pause lets one of them through).
            if (await ledger.GetByRequestIdAsync(r.RequestId) is { } earlier)
            {
                return RequestIds.SameBooking(r, earlier) ? Result<AppointmentRecord>.Ok(earlier) : RequestIds.Reused();
            }
            if (clock.GetCurrentInstant() > deadline)
            {
                return refusal;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 * Math.Min(round, 20))));
        }
    }

    /// <summary>
    /// One round: new tentative reservations for each candidate therapist in turn (therapist, room, client), committed
    /// to the ledger at the first candidate that all three accept.
    /// </summary>
    private async Task<(Result<AppointmentRecord>? Booked, Refusal Refusal)> TryCandidates(
        BookingRequest r, Clinic clinic, Service service, IReadOnlyList<Therapist> candidates, Interval treatment, LocalDate date,
        TravelMatrix travel, IClinicDayGrain clinicDay, IClientCalendarGrain clientCalendar)
    {
        var now = clock.GetCurrentInstant();
        var appointmentId = Guid.NewGuid();
        var holdExpiresAt = r.HoldFor is { } holdFor ? now + holdFor : (Instant?)null;
        var tentative = new Tentative(appointmentId, appointmentId, now + Reservations.TentativeLifetime, holdExpiresAt, r.RequestId);
        Refusal? refusal = null;
        foreach (var therapist in candidates)
        {
            // Always therapist, then room, then client: with one order for everybody, the attempt that holds the
            // earlier resources can always take the later ones, so concurrent attempts cannot refuse each other into
            // a state where nobody books (as parallel reservations could: one holds the room, another the therapist).
            var therapistDay = GrainFactory.GetGrain<ITherapistDayGrain>(GrainKeys.TherapistDay(therapist.Id, date));
            refusal = await therapistDay.Reserve(clinic.Id, treatment, travel, tentative);
            if (refusal is not null)
            {
                if (refusal.Reason == RefusalReason.RequestInProgress)
                {
                    break;
                }
                continue;
            }
            var room = await clinicDay.Reserve(clinic, service.Id, r.RoomId, treatment, tentative);
            if (room.RoomId is not { } roomId)
            {
                await therapistDay.Release(tentative.ReservationId);
                refusal = room.Refusal!;
                break;
            }
            refusal = await clientCalendar.Reserve(treatment, tentative);
            if (refusal is not null)
            {
                await ReleaseWhere(tentative.ReservationId, (true, therapistDay), (true, clinicDay));
                break;
            }
            return (await Commit(r, clinic, service, therapist.Id, roomId, treatment, holdExpiresAt, tentative, clinicDay, therapistDay, clientCalendar), null!);
        }
        return (null, refusal!);
    }

    private async Task<Result<AppointmentRecord>> Commit(
        BookingRequest r, Clinic clinic, Service service, string therapistId, string roomId, Interval treatment, Instant? holdExpiresAt,
        Tentative tentative, IClinicDayGrain clinicDay, ITherapistDayGrain therapistDay, IClientCalendarGrain clientCalendar)
    {
        var appointment = new NewAppointment(
            tentative.AppointmentId, r.RequestId, clinic.Id, therapistId, roomId, r.ClientId, service.Id,
            treatment.Start, treatment.End, treatment.End + service.Turnover,
            holdExpiresAt is null ? AppointmentStatus.Booked : AppointmentStatus.Pending, holdExpiresAt);
        LedgerWriteResult write;
        try
        {
            // The audit row is written in the insert's own transaction: no acknowledged booking without it.
            write = await writer.InsertAsync(appointment, AuditTrail.BookingEntry(holdExpiresAt is null ? "booking.book" : "booking.hold", appointment));
        }
        catch
        {
            // The write may or may not have committed: forget the reservations and let memory reload from the ledger.
            await Task.WhenAll(clinicDay.Resync(), therapistDay.Resync(), clientCalendar.Resync());
            await ReleaseWhere(tentative.ReservationId, (true, clinicDay), (true, therapistDay), (true, clientCalendar));
            throw;
        }

        switch (write.Kind)
        {
            case LedgerWriteKind.Inserted:
                _ = clinicDay.Commit(tentative.ReservationId);
                _ = therapistDay.Commit(tentative.ReservationId);
                _ = clientCalendar.Commit(tentative.ReservationId);
                metrics.Bookings.Add(1);
                return Result<AppointmentRecord>.Ok(write.Record!);
            case LedgerWriteKind.Duplicate:
                // A retry of a booking the ledger has: the first appointment if it is the same request, else
                // REQUEST_ID_REUSED (a client bug that must not pass as a success).
                await ReleaseWhere(tentative.ReservationId, (true, clinicDay), (true, therapistDay), (true, clientCalendar));
                return write.Record is { } first && !RequestIds.SameBooking(r, first)
                    ? RequestIds.Reused()
                    : Result<AppointmentRecord>.Ok(write.Record!);
            default:
                logger.LogInformation("Ledger refused appointment {AppointmentId} that memory accepted: {Kind} {Resource}",
                    tentative.AppointmentId, write.Kind, write.ConflictWith);
                await ReleaseWhere(tentative.ReservationId, (true, clinicDay), (true, therapistDay), (true, clientCalendar));
                await (write.ConflictWith switch
                {
                    ConflictResource.Room => clinicDay.Resync(),
                    ConflictResource.Therapist => therapistDay.Resync(),
                    ConflictResource.Client => clientCalendar.Resync(),
                    _ => Task.WhenAll(clinicDay.Resync(), therapistDay.Resync(), clientCalendar.Resync()),
                });
                return await WithAlternatives(LedgerOutcomes.ConflictRefusal(write.ConflictWith), clinic, service, r, clinic.LocalDateOf(r.Start));
        }
    }

    private static Task ReleaseWhere(Guid reservationId, params (bool Reserved, IAddressable Grain)[] calendars) =>
        Task.WhenAll(calendars.Where(c => c.Reserved).Select(c => c.Grain switch
        {
            IClinicDayGrain g => g.Release(reservationId),
            ITherapistDayGrain g => g.Release(reservationId),
            IClientCalendarGrain g => g.Release(reservationId),
            _ => Task.CompletedTask,
        }));

    /// <summary>
    /// The therapists who may take the treatment: the one asked for (refused with the precise rule when they cannot),
    /// or every rostered therapist of the clinic who passes the rules then.
    /// </summary>
    private async Task<(IReadOnlyList<Therapist> Candidates, Refusal? Refusal)> Candidates(
        Clinic clinic, Service service, string? therapistId, Interval treatment, Instant now)
    {
        if (therapistId is not null)
        {
            if (await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId)).Get() is not { } therapist)
            {
                return ([], Refusal.NotFound("therapist_id", $"Therapist {therapistId} does not exist."));
            }
            var refusal = BookingRules.CheckPlacement(clinic, service, therapist, treatment, now);
            return refusal is null ? ([therapist], null) : ([], refusal);
        }
        var all = await LoadTherapists(clinic);
        var refusals = all.Select(t => (Therapist: t, Refusal: BookingRules.CheckPlacement(clinic, service, t, treatment, now))).ToList();
        var fit = refusals.Where(x => x.Refusal is null).Select(x => x.Therapist).ToList();
        if (fit.Count > 0)
        {
            return (fit, null);
        }
        var clinicRule = refusals.Select(x => x.Refusal).FirstOrDefault(x => x!.Reason is RefusalReason.InThePast or RefusalReason.ClinicClosed or RefusalReason.OutsideOpeningHours);
        return ([], clinicRule ?? new Refusal(RefusalReason.OutsideRoster,
            $"No therapist qualified for {service.Id} is rostered and available at clinic {clinic.Id} then."));
    }

    private async Task<List<Therapist>> LoadTherapists(Clinic clinic)
    {
        var ids = await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).RosteredTherapists();
        var loaded = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(id)).Get()));
        return loaded.OfType<Therapist>().ToList();
    }

    /// <summary>
    /// Adds the nearest free slots to a conflict. A burst of refusals for the same day (everyone wants the same slot)
    /// shares one computation for <see cref="AlternativesFreshness"/>; the client's own calendar is always checked.
    /// Alternatives are suggestions: booking one checks everything again.
    /// </summary>
    private async Task<Result<AppointmentRecord>> WithAlternatives(Refusal refusal, Clinic clinic, Service service, BookingRequest r, LocalDate date)
    {
        if (!refusal.IsConflict)
        {
            return refusal;
        }
        var now = clock.GetCurrentInstant();
        var key = (clinic.Id, service.Id, r.TherapistId, date);
        if (!_alternatives.TryGetValue(key, out var cached) || cached.At + AlternativesFreshness < now)
        {
            var therapists = r.TherapistId is null
                ? await LoadTherapists(clinic)
                : [(await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(r.TherapistId)).Get())!];
            var travel = await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).GetTravel();
            cached = (now, await SlotsForDay(clinic, service, therapists, date, null, Availability.DefaultGrid, now, travel));
            if (_alternatives.Count > 1000)
            {
                _alternatives.Clear();
            }
            _alternatives[key] = cached;
        }
        var clientBusy = await GrainFactory.GetGrain<IClientCalendarGrain>(GrainKeys.ClientCalendar(r.ClientId))
            .GetBusy(new Interval(date.AtStartOfDayInZone(clinic.Zone).ToInstant(), date.PlusDays(1).AtStartOfDayInZone(clinic.Zone).ToInstant()));
        var free = cached.Slots.Where(s => s.Start >= now && !clientBusy.Any(b => b.Overlaps(new Interval(s.Start, s.End))));
        return refusal with { Alternatives = Availability.Nearest(free, r.Start, AlternativesCount) };
    }

    async Task<Result<IReadOnlyList<AvailableSlot>>> IBookingGrain.SearchAvailability(AvailabilityRequest q)
    {
        using var activity = NmtMetrics.Activities.StartActivity("nmt.availability");
        if (Validate(q) is { } invalid)
        {
            return invalid;
        }
        if (await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(q.ClinicId)).Get() is not { } clinic)
        {
            return Refusal.NotFound("clinic_id", $"Clinic {q.ClinicId} does not exist.");
        }
        if (clinic.FindService(q.ServiceId) is not { } service)
        {
            return Refusal.NotFound("service_id", $"Clinic {clinic.Id} has no service '{q.ServiceId}'.");
        }
        if (q.ClientId is not null && await GrainFactory.GetGrain<IClientGrain>(GrainKeys.Client(q.ClientId)).Get() is null)
        {
            return Refusal.NotFound("client_id", $"Client {q.ClientId} does not exist.");
        }
        List<Therapist> therapists;
        if (q.TherapistId is not null)
        {
            if (await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(q.TherapistId)).Get() is not { } therapist)
            {
                return Refusal.NotFound("therapist_id", $"Therapist {q.TherapistId} does not exist.");
            }
            therapists = [therapist];
        }
        else
        {
            therapists = await LoadTherapists(clinic);
        }
        var now = clock.GetCurrentInstant();
        var grid = q.Grid ?? Availability.DefaultGrid;
        var travel = await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).GetTravel();
        var days = new DateRange(q.From, q.To).Dates()
            .Select(d => SlotsForDay(clinic, service, therapists, d, q.ClientId, grid, now, travel));
        var perDay = await Task.WhenAll(days);
        return Result<IReadOnlyList<AvailableSlot>>.Ok(perDay.SelectMany(s => s).ToList());
    }

    private async Task<IReadOnlyList<AvailableSlot>> SlotsForDay(
        Clinic clinic, Service service, IReadOnlyList<Therapist> therapists, LocalDate date, string? clientId, Duration grid, Instant now, TravelMatrix travel)
    {
        var zone = clinic.Zone;
        var dayEnd = date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
        if (dayEnd <= now || clinic.OpenIntervals(date).Count == 0)
        {
            return [];
        }
        var working = therapists
            .Where(t => t.IsQualified(service.RequiredQualification, date) && t.WorkingIntervals(clinic.Id, zone, date).Count > 0)
            .ToList();
        if (working.Count == 0)
        {
            return [];
        }
        var roomsTask = GrainFactory.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(clinic.Id, date)).GetBookings();
        var therapistTasks = working.Select(t => GrainFactory.GetGrain<ITherapistDayGrain>(GrainKeys.TherapistDay(t.Id, date)).GetBookings()).ToList();
        var day = new Interval(date.AtStartOfDayInZone(zone).ToInstant(), dayEnd);
        var clientTask = clientId is null
            ? Task.FromResult<IReadOnlyList<Interval>>([])
            : GrainFactory.GetGrain<IClientCalendarGrain>(GrainKeys.ClientCalendar(clientId)).GetBusy(day);
        var therapistBookings = await Task.WhenAll(therapistTasks);
        var calendars = new DayCalendars(
            working.Select((t, i) => (t.Id, therapistBookings[i])).ToDictionary(x => x.Id, x => x.Item2),
            await roomsTask,
            await clientTask);
        return Availability.ForDay(clinic, service, working, date, calendars, travel, now, grid, clientId).ToList();
    }

    /// <summary>The first rule of <see cref="BookingLimits"/> and <see cref="Validation"/> the request breaks, in field order; null when none.</summary>
    private static Refusal? Validate(BookingRequest r) => Validation.First(
        BookingLimits.CheckRequestId(r.RequestId),
        Validation.Id("clinic_id", r.ClinicId),
        Validation.Id("service_id", r.ServiceId),
        Validation.Id("client_id", r.ClientId),
        r.TherapistId is null ? null : Validation.Id("therapist_id", r.TherapistId),
        r.RoomId is null ? null : Validation.Id("room_id", r.RoomId),
        r.Start == default || r.Start < BookingLimits.EarliestInstant || r.Start >= BookingLimits.LatestInstant
            ? Refusal.Invalid("start", "start is missing or out of range.")
            : null,
        r.HoldFor is { } hold && (hold <= Duration.Zero || hold > AppointmentLifecycle.MaxHoldDuration)
            ? Refusal.Invalid("hold_for", $"A hold lasts more than 0 and at most {AppointmentLifecycle.MaxHoldDuration.TotalMinutes:0} minutes.")
            : null);

    private static Refusal? Validate(AvailabilityRequest q) => Validation.First(
        Validation.Id("clinic_id", q.ClinicId),
        Validation.Id("service_id", q.ServiceId),
        q.TherapistId is null ? null : Validation.Id("therapist_id", q.TherapistId),
        q.ClientId is null ? null : Validation.Id("client_id", q.ClientId),
        q.To < q.From ? Refusal.Invalid("to", "The date range ends before it starts.") : null,
        Period.Between(q.From, q.To, PeriodUnits.Days).Days >= BookingLimits.MaxSearchDays
            ? Refusal.Invalid("to", $"Search at most {BookingLimits.MaxSearchDays} days at a time.")
            : null,
        q.Grid is { } grid && !BookingLimits.IsValidGrid(grid)
            ? Refusal.Invalid("grid", $"The grid is whole minutes between {BookingLimits.MinGridMinutes} and {BookingLimits.MaxGridMinutes}.")
            : null);
}
