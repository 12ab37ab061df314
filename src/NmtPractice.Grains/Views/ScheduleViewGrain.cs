namespace NmtPractice.Grains.Views;

/// <summary>
/// Read-only schedule views: a therapist's days across every clinic, and a clinic's day across every room and
/// therapist. Working time comes from the domain (<see cref="Therapist.WorkingIntervals"/>), appointments from the ledger.
/// </summary>
[StatelessWorker]
public sealed class ScheduleViewGrain(AppointmentLedger ledger) : Grain, IScheduleViewGrain
{
    async Task<Result<TherapistWeekView>> IScheduleViewGrain.TherapistWeek(string therapistId, LocalDate from, int days)
    {
        if (Validation.Id("therapist_id", therapistId) is { } invalid)
        {
            return invalid;
        }
        if (days is < 1 or > IScheduleViewGrain.MaxDays)
        {
            return Refusal.Invalid("days", $"Ask for 1 to {IScheduleViewGrain.MaxDays} days.");
        }
        if (await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId)).Get() is not { } therapist)
        {
            return Refusal.NotFound("therapist_id", $"Therapist {therapistId} does not exist.");
        }
        var to = from.PlusDays(days);
        // Wide enough for any clinic's zone; each appointment is then placed on its own clinic's date.
        var earliest = from.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() - Duration.FromHours(14);
        var latest = to.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() + Duration.FromHours(14);
        var appointments = await ledger.ListForTherapistAsync(therapistId, earliest, latest);
        var clinicIds = therapist.Rosters.Select(r => r.ClinicId)
            .Concat(therapist.Exceptions.Where(e => e.ClinicId is not null).Select(e => e.ClinicId!))
            .Concat(appointments.Select(a => a.ClinicId))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var clinics = (await Task.WhenAll(clinicIds.Select(id => GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(id)).Get()))).OfType<Clinic>().ToList();

        var dayViews = new List<TherapistDayView>(days);
        for (var date = from; date < to; date = date.PlusDays(1))
        {
            var atClinics = new List<ClinicShiftsView>();
            foreach (var clinic in clinics)
            {
                var (shifts, absent) = Working(therapist, clinic, date);
                var booked = appointments.Where(a => a.ClinicId == clinic.Id && clinic.LocalDateOf(a.Start) == date).ToList();
                if (shifts.Count > 0 || booked.Count > 0)
                {
                    atClinics.Add(new ClinicShiftsView(clinic.Id, clinic.Name, clinic.TimeZoneId, shifts, absent, booked));
                }
            }
            dayViews.Add(new TherapistDayView(date, atClinics));
        }
        var window = new Interval(earliest, latest);
        var absences = therapist.Exceptions
            .Where(e => e.Kind is RosterExceptionKind.Leave or RosterExceptionKind.Sickness && e.Period.Overlaps(window))
            .OrderBy(e => e.Period.Start)
            .ToList();
        return Result<TherapistWeekView>.Ok(new TherapistWeekView(therapist.Id, therapist.Name, from, dayViews, absences));
    }

    async Task<Result<ClinicDayView>> IScheduleViewGrain.ClinicDay(string clinicId, LocalDate date)
    {
        if (Validation.Id("clinic_id", clinicId) is { } invalid)
        {
            return invalid;
        }
        var clinicGrain = GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId));
        if (await clinicGrain.Get() is not { } clinic)
        {
            return Refusal.NotFound("clinic_id", $"Clinic {clinicId} does not exist.");
        }
        var zone = clinic.Zone;
        var day = new Interval(date.AtStartOfDayInZone(zone).ToInstant(), date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant());
        var appointments = await ledger.ListForClinicAsync(clinic.Id, day.Start, day.End);
        var rooms = clinic.Rooms
            .Select(r => r.Id)
            .Concat(appointments.Select(a => a.RoomId).Where(id => clinic.FindRoom(id) is null).Distinct())
            .Select(id => clinic.FindRoom(id) is { } room
                ? new RoomDayView(room.Id, room.Name, room.Features, [.. room.OutOfService.Where(p => p.Period.Overlaps(day)).Select(p => p.Period)],
                    [.. appointments.Where(a => a.RoomId == id)])
                : new RoomDayView(id, id, [], [], [.. appointments.Where(a => a.RoomId == id)]))
            .ToList();

        var therapistIds = (await clinicGrain.RosteredTherapists())
            .Concat(appointments.Select(a => a.TherapistId))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var therapists = await Task.WhenAll(therapistIds.Select(id => GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(id)).Get()));
        var onDay = new List<TherapistOnDayView>();
        for (var i = 0; i < therapistIds.Count; i++)
        {
            var booked = appointments.Where(a => a.TherapistId == therapistIds[i]).ToList();
            var (shifts, absent) = therapists[i] is { } t ? Working(t, clinic, date) : ([], []);
            if (shifts.Count > 0 || booked.Count > 0)
            {
                onDay.Add(new TherapistOnDayView(therapistIds[i], therapists[i]?.Name ?? therapistIds[i], shifts, absent, booked));
            }
        }
        var closure = clinic.Closures.FirstOrDefault(c => c.Dates.Contains(date));
        return Result<ClinicDayView>.Ok(new ClinicDayView(clinic.Id, clinic.Name, clinic.TimeZoneId, date, clinic.OpenIntervals(date), closure?.Reason, rooms, onDay));
    }

    /// <summary>Rostered time (pattern and extra shifts) at the clinic that day, and the parts of it lost to leave or sickness.</summary>
    private static (IReadOnlyList<Interval> Shifts, IReadOnlyList<Interval> Absent) Working(Therapist therapist, Clinic clinic, LocalDate date)
    {
        var rosteredOnly = therapist with { Exceptions = [.. therapist.Exceptions.Where(e => e.Kind == RosterExceptionKind.ExtraShift)] };
        var rostered = rosteredOnly.WorkingIntervals(clinic.Id, clinic.Zone, date);
        var working = therapist.WorkingIntervals(clinic.Id, clinic.Zone, date);
        return (rostered, Intervals.Subtract(rostered, working));
    }
}
