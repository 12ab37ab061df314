namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// Proposes cover for appointments whose therapist cannot take them. For each appointment, by start: the same clinic
/// and time with another therapist who passes every booking rule (<see cref="BookingRules.CheckPlacement"/>: rostered,
/// not on leave, qualified on that date) and is free counting travel, keeping the room when it is still suitable and
/// free; else the clinics within reach that offer the same service, nearest first, with a best-fit room; else uncovered.
/// Proposals of one plan never collide: each one counts as booked for the ones after it. Candidates are tried in id order.
/// </summary>
public static class CoverPlanner
{
    /// <summary>The clinics that may take over an appointment of <paramref name="serviceId"/> at <paramref name="origin"/>: itself first, then those offering the service within reach, nearest first (then by id).</summary>
    public static IReadOnlyList<Clinic> ClinicsInReach(Clinic origin, string serviceId, IReadOnlyDictionary<string, Clinic> clinics, TravelMatrix travel, Duration reach)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(clinics);
        ArgumentNullException.ThrowIfNull(travel);
        var others = clinics.Values
            .Where(c => c.Id != origin.Id && c.FindService(serviceId) is not null && travel.Between(origin.Id, c.Id) <= reach)
            .OrderBy(c => travel.Between(origin.Id, c.Id))
            .ThenBy(c => c.Id, StringComparer.Ordinal);
        return [origin, .. others];
    }

    public static IReadOnlyList<CoverProposal> Propose(IEnumerable<AppointmentRecord> appointments, CoverContext context)
    {
        ArgumentNullException.ThrowIfNull(appointments);
        ArgumentNullException.ThrowIfNull(context);
        var plannedTherapists = new Dictionary<string, List<TherapistBooking>>(StringComparer.Ordinal);
        var plannedRooms = new Dictionary<string, List<RoomBooking>>(StringComparer.Ordinal);
        var candidates = context.Candidates.OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        var proposals = new List<CoverProposal>();
        foreach (var a in appointments.OrderBy(a => a.Start).ThenBy(a => a.Id))
        {
            var proposal = ProposeOne(a, context, candidates, plannedTherapists, plannedRooms);
            if (proposal.Kind != CoverKind.Uncovered)
            {
                var clinic = context.Clinics[proposal.ClinicId];
                var service = clinic.FindService(a.ServiceId)!;
                var treatment = new Interval(proposal.Start, proposal.End);
                Add(plannedTherapists, proposal.TherapistId!, new TherapistBooking(a.Id, clinic.Id, treatment));
                Add(plannedRooms, clinic.Id, new RoomBooking(a.Id, proposal.RoomId!, treatment, new Interval(treatment.Start, treatment.End + service.Turnover)));
            }
            proposals.Add(proposal);
        }
        return proposals;
    }

    private static CoverProposal ProposeOne(
        AppointmentRecord a, CoverContext context, IReadOnlyList<Therapist> candidates,
        Dictionary<string, List<TherapistBooking>> plannedTherapists, Dictionary<string, List<RoomBooking>> plannedRooms)
    {
        CoverProposal Uncovered(string reason) => new(a.Id, CoverKind.Uncovered, a.ClinicId, null, null, a.Start, a.End, reason);

        if (!a.OccupiesAt(context.Now))
        {
            return Uncovered($"Appointment {a.Id} is {a.Status.ToFhir()}; there is nothing to cover.");
        }
        if (a.Start < context.Now)
        {
            return Uncovered($"Appointment {a.Id} has already started.");
        }
        if (!context.Clinics.TryGetValue(a.ClinicId, out var origin) || origin.FindService(a.ServiceId) is null)
        {
            return Uncovered($"Clinic {a.ClinicId} or its service {a.ServiceId} no longer exists.");
        }
        string? roomTrouble = null;
        foreach (var clinic in ClinicsInReach(origin, a.ServiceId, context.Clinics, context.Travel, context.Reach))
        {
            var service = clinic.FindService(a.ServiceId)!;
            var treatment = new Interval(a.Start, a.Start + service.Duration);
            var occupancy = new Interval(treatment.Start, treatment.End + service.Turnover);
            var date = clinic.LocalDateOf(a.Start);
            var rooms = context.RoomBookings(clinic.Id, date).Concat(plannedRooms.GetValueOrDefault(clinic.Id) ?? []).ToList();
            Room? room = null;
            if (clinic.Id == a.ClinicId && clinic.FindRoom(a.RoomId) is { } kept
                && BookingRules.CheckRoom(kept, service, occupancy) is null
                && BookingRules.CheckRoomCalendar(rooms, kept.Id, treatment, occupancy, a.Id) is null)
            {
                room = kept;
            }
            room ??= RoomAllocator.Choose(clinic, service, treatment, rooms, a.Id).Room;
            if (room is null)
            {
                roomTrouble ??= $"no suitable room is free at clinic {clinic.Id}";
                continue;
            }
            foreach (var therapist in candidates)
            {
                if (therapist.Id == a.TherapistId
                    || BookingRules.CheckPlacement(clinic, service, therapist, treatment, context.Now) is not null)
                {
                    continue;
                }
                var busy = context.TherapistBookings(therapist.Id, date).Concat(plannedTherapists.GetValueOrDefault(therapist.Id) ?? []);
                if (BookingRules.CheckTherapistCalendar(busy, therapist.Id, clinic.Id, treatment, context.Travel, a.Id) is not null)
                {
                    continue;
                }
                var kind = clinic.Id == a.ClinicId ? CoverKind.SameClinic : CoverKind.OtherClinic;
                return new CoverProposal(a.Id, kind, clinic.Id, therapist.Id, room.Id, treatment.Start, treatment.End, null);
            }
        }
        var reach = $"{context.Reach.TotalMinutes:0} min";
        return Uncovered(roomTrouble is null
            ? $"No qualified therapist is rostered and free then at clinic {a.ClinicId} or at a clinic within {reach} of it."
            : $"No qualified therapist is rostered and free then with a room at clinic {a.ClinicId} or within {reach} of it ({roomTrouble}).");
    }

    private static void Add<T>(Dictionary<string, List<T>> lists, string key, T item)
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = [];
        }
        list.Add(item);
    }
}
