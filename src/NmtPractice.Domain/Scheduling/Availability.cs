namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// Free start times for a service at a clinic: starts on a grid (anchored at the clinic's local midnight, so
/// 09:00, 09:15, ...) where a qualified therapist is rostered and free (counting travel), and a room with the
/// required features is in service and free for treatment plus turnover. Daylight-saving days are handled on
/// the time line: a 23-hour day offers one hour fewer, a 25-hour day one more, and no instant twice.
/// </summary>
public static class Availability
{
    public static readonly Duration DefaultGrid = Duration.FromMinutes(15);

    /// <summary>
    /// Slots on one clinic-local <paramref name="date"/>. <paramref name="therapists"/> are the candidates (all
    /// therapists rostered at the clinic that day, or the one asked for); <paramref name="calendars"/> holds what
    /// is already booked that day; <paramref name="clientId"/>, when given, must be free too.
    /// </summary>
    public static IEnumerable<AvailableSlot> ForDay(
        Clinic clinic,
        Service service,
        IEnumerable<Therapist> therapists,
        LocalDate date,
        DayCalendars calendars,
        TravelMatrix travel,
        Instant now,
        Duration grid,
        string? clientId = null)
    {
        var open = clinic.OpenIntervals(date);
        if (open.Count == 0)
        {
            return [];
        }
        var zone = clinic.Zone;
        var anchor = date.AtStartOfDayInZone(zone).ToInstant();
        var slots = new List<AvailableSlot>();
        // The room a start would get does not depend on the therapist: decide it once per start.
        var roomAt = new Dictionary<Instant, Room?>();
        foreach (var therapist in therapists)
        {
            if (!therapist.IsQualified(service.RequiredQualification, date))
            {
                continue;
            }
            var working = Intervals.Intersect(open, therapist.WorkingIntervals(clinic.Id, zone, date));
            var busy = calendars.ForTherapist(therapist.Id);
            foreach (var window in working)
            {
                var k = (long)Math.Ceiling((window.Start - anchor).TotalTicks / (double)grid.TotalTicks);
                for (var start = anchor + grid * k; start + service.Duration <= window.End; start += grid)
                {
                    if (start < now)
                    {
                        continue;
                    }
                    var treatment = new Interval(start, start + service.Duration);
                    if (BookingRules.CheckTherapistCalendar(busy, therapist.Id, clinic.Id, treatment, travel) is not null)
                    {
                        continue;
                    }
                    if (clientId is not null && BookingRules.CheckClientCalendar(calendars.ClientBusy, clientId, treatment) is not null)
                    {
                        continue;
                    }
                    if (!roomAt.TryGetValue(start, out var room))
                    {
                        room = RoomAllocator.Choose(clinic, service, treatment, calendars.RoomBookings, open: open).Room;
                        roomAt[start] = room;
                    }
                    if (room is null)
                    {
                        continue;
                    }
                    var local = start.InZone(zone);
                    slots.Add(new AvailableSlot(start, treatment.End, local.LocalDateTime, clinic.TimeZoneId, local.Offset, therapist.Id, room.Id));
                }
            }
        }
        slots.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.TherapistId, b.TherapistId));
        return slots;
    }

    /// <summary>The <paramref name="count"/> slots nearest to <paramref name="wanted"/>, nearest first (earlier wins a tie).</summary>
    public static IReadOnlyList<AvailableSlot> Nearest(IEnumerable<AvailableSlot> slots, Instant wanted, int count = 3) =>
        slots.OrderBy(s => Duration.Max(s.Start - wanted, wanted - s.Start)).ThenBy(s => s.Start).Take(count).ToList();
}
