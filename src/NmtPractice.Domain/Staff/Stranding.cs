namespace NmtPractice.Domain.Staff;

/// <summary>
/// Which existing appointments a change to a therapist's rosters or exceptions would leave outside rostered time.
/// </summary>
public static class Stranding
{
    /// <summary>
    /// True when <paramref name="therapist"/> is rostered (pattern or extra shift, minus leave and sickness) for the
    /// whole treatment [start, end) of <paramref name="appointment"/> at its clinic.
    /// </summary>
    public static bool Covers(Therapist therapist, Clinic clinic, AppointmentRecord appointment)
    {
        var treatment = new Interval(appointment.Start, appointment.End);
        if (therapist.IsAbsentDuring(treatment))
        {
            return false;
        }
        var date = clinic.LocalDateOf(appointment.Start);
        return therapist.WorkingIntervals(clinic.Id, clinic.Zone, date).Any(shift => shift.Covers(treatment));
    }

    /// <summary>
    /// The appointments of <paramref name="appointments"/> that <paramref name="after"/> strands: outside its rostered
    /// time although <paramref name="before"/> covered them, or falling in leave or sickness that <paramref name="before"/>
    /// did not have. Only appointments that still occupy the therapist and start at or after <paramref name="now"/>
    /// count (what already started is history). Appointments at a clinic missing from <paramref name="clinics"/> are skipped.
    /// Ordered by start.
    /// </summary>
    public static IReadOnlyList<AppointmentRecord> Find(
        Therapist before, Therapist after, IReadOnlyDictionary<string, Clinic> clinics, IEnumerable<AppointmentRecord> appointments, Instant now)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(clinics);
        ArgumentNullException.ThrowIfNull(appointments);
        var stranded = new List<AppointmentRecord>();
        foreach (var appointment in appointments)
        {
            if (appointment.TherapistId != after.Id || !appointment.OccupiesAt(now) || appointment.Start < now
                || !clinics.TryGetValue(appointment.ClinicId, out var clinic))
            {
                continue;
            }
            if (Covers(after, clinic, appointment))
            {
                continue;
            }
            var treatment = new Interval(appointment.Start, appointment.End);
            var newlyAbsent = after.IsAbsentDuring(treatment) && !before.IsAbsentDuring(treatment);
            if (newlyAbsent || Covers(before, clinic, appointment))
            {
                stranded.Add(appointment);
            }
        }
        return [.. stranded.OrderBy(a => a.Start).ThenBy(a => a.Id)];
    }
}
