namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// Chooses a room for "any suitable room". Best fit: among the rooms that have the required features, are in
/// service and free for the whole occupancy, take the one with the fewest features beyond those required (keep
/// the special rooms for the services that need them), then the one whose free gap around the slot is smallest
/// (so the appointment fills a gap that fits it, and long gaps elsewhere stay usable), then by room id.
/// </summary>
public static class RoomAllocator
{
    /// <param name="open">The clinic's open intervals that day, when the caller has them already.</param>
    public static (Room? Room, Refusal? Refusal) Choose(
        Clinic clinic, Service service, Interval treatment, IReadOnlyList<RoomBooking> bookings, Guid? ignore = null,
        IReadOnlyList<Interval>? open = null)
    {
        var occupancy = new Interval(treatment.Start, treatment.End + service.Turnover);
        var withFeatures = clinic.Rooms.Where(r => r.HasFeatures(service.RequiredFeatures)).ToList();
        if (withFeatures.Count == 0)
        {
            return (null, new Refusal(RefusalReason.NoSuitableRoom,
                $"No room of clinic {clinic.Id} has {string.Join(", ", service.RequiredFeatures)} for {service.Id}."));
        }

        Room? best = null;
        (int Extra, Duration Gap) bestScore = default;
        Refusal? firstRefusal = null;
        foreach (var room in withFeatures)
        {
            var refusal = BookingRules.CheckRoom(room, service, occupancy)
                ?? BookingRules.CheckRoomCalendar(bookings, room.Id, treatment, occupancy, ignore);
            if (refusal is not null)
            {
                firstRefusal ??= refusal;
                continue;
            }
            open ??= clinic.OpenIntervals(clinic.LocalDateOf(occupancy.Start));
            var score = (room.ExtraFeatureCount(service.RequiredFeatures), FreeGapAround(open, room, occupancy, bookings, ignore));
            if (best is null || score.CompareTo(bestScore) < 0 || (score == bestScore && string.CompareOrdinal(room.Id, best.Id) < 0))
            {
                best = room;
                bestScore = score;
            }
        }
        return best is not null
            ? (best, null)
            : (null, new Refusal(firstRefusal!.Reason == RefusalReason.Turnover ? RefusalReason.Turnover : RefusalReason.RoomBusy,
                $"Every room of clinic {clinic.Id} suitable for {service.Id} is busy, out of service or being turned over then."));
    }

    /// <summary>The length of the free stretch of <paramref name="room"/> that contains the occupancy, bounded by the open hours of the day.</summary>
    private static Duration FreeGapAround(IReadOnlyList<Interval> openIntervals, Room room, Interval occupancy, IReadOnlyList<RoomBooking> bookings, Guid? ignore)
    {
        var open = openIntervals.FirstOrDefault(o => o.Contains(occupancy.Start));
        var gapStart = open.HasStart ? open.Start : occupancy.Start;
        var gapEnd = open.HasEnd && open.End > occupancy.End ? open.End : occupancy.End;
        var blockers = bookings.Where(b => b.RoomId == room.Id && b.AppointmentId != ignore).Select(b => b.Occupancy)
            .Concat(room.OutOfService.Select(p => p.Period));
        foreach (var blocker in blockers)
        {
            if (blocker.End <= occupancy.Start && blocker.End > gapStart)
            {
                gapStart = blocker.End;
            }
            if (blocker.Start >= occupancy.End && blocker.Start < gapEnd)
            {
                gapEnd = blocker.Start;
            }
        }
        return gapEnd - gapStart;
    }
}
