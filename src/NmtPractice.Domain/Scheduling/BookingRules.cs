namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// The booking rules of invariant 2, as pure functions. Each returns null when the rule holds, or the
/// refusal that says precisely why not. Availability search and booking call the same functions, so a
/// slot that search offers passes every rule that does not depend on a concurrent booking.
/// </summary>
public static class BookingRules
{
    /// <summary>
    /// Rules that depend only on configuration: time, closures, opening hours, leave, roster, qualification.
    /// </summary>
    public static Refusal? CheckPlacement(Clinic clinic, Service service, Therapist therapist, Interval treatment, Instant now)
    {
        if (treatment.Start < now)
        {
            return new Refusal(RefusalReason.InThePast, $"The start {treatment.Start} is in the past.", "start");
        }
        var date = clinic.LocalDateOf(treatment.Start);
        if (clinic.IsClosedOn(date))
        {
            var closure = clinic.Closures.First(c => c.Dates.Contains(date));
            return new Refusal(RefusalReason.ClinicClosed, $"Clinic {clinic.Id} is closed on {date:yyyy-MM-dd} ({closure.Reason}).");
        }
        if (!clinic.OpenIntervals(date).Any(open => open.Covers(treatment)))
        {
            return new Refusal(RefusalReason.OutsideOpeningHours,
                $"{Describe(clinic, treatment)} is outside the opening hours of clinic {clinic.Id}.");
        }
        if (therapist.IsAbsentDuring(treatment))
        {
            return new Refusal(RefusalReason.TherapistOnLeave, $"Therapist {therapist.Id} is on leave or off sick then.");
        }
        if (!therapist.WorkingIntervals(clinic.Id, clinic.Zone, date).Any(shift => shift.Covers(treatment)))
        {
            return new Refusal(RefusalReason.OutsideRoster,
                $"Therapist {therapist.Id} is not rostered at clinic {clinic.Id} for {Describe(clinic, treatment)}.");
        }
        if (service.RequiredQualification is { } required && !therapist.IsQualified(required, date))
        {
            return therapist.HasExpiredQualification(required, date)
                ? new Refusal(RefusalReason.QualificationExpired, $"Therapist {therapist.Id}'s '{required}' qualification has expired by {date:yyyy-MM-dd}.")
                : new Refusal(RefusalReason.Unqualified, $"Therapist {therapist.Id} lacks the '{required}' qualification that {service.Id} requires.");
        }
        return null;
    }

    /// <summary>Rules about the room itself: its features, and whether it is in service for the whole occupancy.</summary>
    public static Refusal? CheckRoom(Room room, Service service, Interval occupancy)
    {
        if (!room.HasFeatures(service.RequiredFeatures))
        {
            var missing = service.RequiredFeatures.Where(f => !room.Features.Contains(f));
            return new Refusal(RefusalReason.RoomLacksFeatures, $"Room {room.Id} lacks {string.Join(", ", missing)}.", "room_id");
        }
        if (room.IsOutOfServiceDuring(occupancy))
        {
            return new Refusal(RefusalReason.RoomOutOfService, $"Room {room.Id} is out of service then.", "room_id");
        }
        return null;
    }

    /// <summary>
    /// The therapist is free for the treatment, and has time to travel from the appointment before (and to the one after)
    /// when that one is at another clinic. <paramref name="ignore"/> is the appointment being moved, if any.
    /// </summary>
    public static Refusal? CheckTherapistCalendar(
        IEnumerable<TherapistBooking> bookings, string therapistId, string clinicId, Interval treatment, TravelMatrix travel, Guid? ignore = null)
    {
        Refusal? travelRefusal = null;
        foreach (var booking in bookings)
        {
            if (booking.AppointmentId == ignore)
            {
                continue;
            }
            if (booking.Treatment.Overlaps(treatment))
            {
                return new Refusal(RefusalReason.TherapistBusy, $"Therapist {therapistId} is already booked then.");
            }
            var needed = travel.Between(booking.ClinicId, clinicId);
            if (needed == Duration.Zero)
            {
                continue;
            }
            var gap = booking.Treatment.End <= treatment.Start
                ? treatment.Start - booking.Treatment.End
                : booking.Treatment.Start - treatment.End;
            if (gap < needed)
            {
                travelRefusal ??= new Refusal(RefusalReason.Travel,
                    $"Therapist {therapistId} needs {needed.TotalMinutes:0} min to travel between {booking.ClinicId} and {clinicId}; the gap is {gap.TotalMinutes:0} min.");
            }
        }
        return travelRefusal;
    }

    /// <summary>The room is free for the whole occupancy (treatment plus turnover), and our treatment does not fall in another's turnover.</summary>
    public static Refusal? CheckRoomCalendar(IEnumerable<RoomBooking> bookings, string roomId, Interval treatment, Interval occupancy, Guid? ignore = null)
    {
        Refusal? turnover = null;
        foreach (var booking in bookings)
        {
            if (booking.RoomId != roomId || booking.AppointmentId == ignore || !booking.Occupancy.Overlaps(occupancy))
            {
                continue;
            }
            if (booking.Treatment.Overlaps(treatment))
            {
                return new Refusal(RefusalReason.RoomBusy, $"Room {roomId} is already booked then.", "room_id");
            }
            turnover ??= new Refusal(RefusalReason.Turnover, $"Room {roomId} is being turned over (cleaned) then.", "room_id");
        }
        return turnover;
    }

    public static Refusal? CheckClientCalendar(IEnumerable<Interval> busy, string clientId, Interval treatment) =>
        busy.Any(b => b.Overlaps(treatment))
            ? new Refusal(RefusalReason.ClientBusy, $"Client {clientId} already has an appointment then.")
            : null;

    private static string Describe(Clinic clinic, Interval treatment)
    {
        var zone = clinic.Zone;
        return $"{treatment.Start.InZone(zone):yyyy-MM-dd HH:mm}-{treatment.End.InZone(zone):HH:mm} ({clinic.TimeZoneId})";
    }
}
