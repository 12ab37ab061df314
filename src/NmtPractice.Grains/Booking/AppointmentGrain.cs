using NmtPractice.Grains.Calendars;
using NmtPractice.Grains.Records;

namespace NmtPractice.Grains.Booking;

/// <summary>
/// One appointment's lifecycle. The ledger row is the state: each operation reads it, checks the transition with
/// <see cref="AppointmentLifecycle"/>, writes it with an optimistic version check, and tells the calendars.
/// </summary>
public sealed class AppointmentGrain(AppointmentLedger ledger, IClock clock) : Grain, IAppointmentGrain
{
    private Guid Id => this.GetPrimaryKey();

    Task<AppointmentRecord?> IAppointmentGrain.Get() => ledger.GetAsync(Id);

    Task<Result<AppointmentRecord>> IAppointmentGrain.Confirm(string? requestId) =>
        ChangeStatus(AppointmentStatus.Booked, (a, now, _) => AppointmentLifecycle.CheckConfirm(a, now), requestId);

    Task<Result<AppointmentRecord>> IAppointmentGrain.CheckIn(string? requestId) =>
        ChangeStatus(AppointmentStatus.Arrived, (a, now, _) => AppointmentLifecycle.CheckCheckIn(a, now), requestId);

    Task<Result<AppointmentRecord>> IAppointmentGrain.Complete(string? requestId) =>
        ChangeStatus(AppointmentStatus.Fulfilled, (a, _, _) => AppointmentLifecycle.CheckComplete(a), requestId);

    Task<Result<AppointmentRecord>> IAppointmentGrain.MarkNoShow(string? requestId) =>
        ChangeStatus(AppointmentStatus.NoShow, (a, now, _) => AppointmentLifecycle.CheckNoShow(a, now), requestId);

    Task<Result<AppointmentRecord>> IAppointmentGrain.Cancel(string reason, string? requestId)
    {
        var reasonText = string.IsNullOrWhiteSpace(reason) ? "unspecified" : reason.Trim();
        return Validation.OptionalText("reason", reasonText, Validation.MaxNameLength) is { } invalid
            ? Task.FromResult<Result<AppointmentRecord>>(invalid)
            : ChangeStatus(AppointmentStatus.Cancelled, (a, now, _) => AppointmentLifecycle.CheckCancel(a, now), requestId, reasonText);
    }

    /// <summary>
    /// A retry of a request this appointment has seen: the first answer (Replayed) or REQUEST_ID_REUSED; null for a
    /// new request id (or none). Looked up before the rules, which a retry would no longer pass (a confirmed hold
    /// cannot be confirmed again).
    /// </summary>
    private async Task<Result<AppointmentRecord>?> Earlier(LedgerRequest? request)
    {
        if (request is null)
        {
            return null;
        }
        if (BookingLimits.CheckRequestId(request.RequestId) is { } invalid)
        {
            return invalid;
        }
        return await ledger.FindRequestAsync(request) is { } earlier ? LedgerOutcomes.ToResult(earlier, Id) : null;
    }

    private async Task<Result<AppointmentRecord>> ChangeStatus(
        AppointmentStatus to, Func<AppointmentRecord, Instant, Clinic, Refusal?> check, string? requestId, string? cancelReason = null)
    {
        var request = RequestIds.For(requestId, AuditAction(to), Id, cancelReason);
        if (await Earlier(request) is { } earlier)
        {
            return earlier;
        }
        if (await ledger.GetAsync(Id) is not { } current)
        {
            return Refusal.NotFound("appointment_id", $"Appointment {Id} does not exist.");
        }
        var clinic = await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(current.ClinicId)).Get();
        if (clinic is null)
        {
            return Refusal.NotFound("clinic_id", $"Clinic {current.ClinicId} of appointment {Id} no longer exists.");
        }
        var now = clock.GetCurrentInstant();
        if (check(current, now, clinic) is { } refusal)
        {
            return refusal;
        }
        var late = to == AppointmentStatus.Cancelled && AppointmentLifecycle.IsLateCancellation(current, clinic.CancellationWindow, now);
        // The audit row goes in the change's transaction: written exactly when the change is applied.
        var audit = AuditTrail.BookingChangeEntry(AuditAction(to), Id, current.ClinicId, current.ClientId, to, current.TherapistId, current.RoomId);
        var write = await ledger.UpdateStatusAsync(Id, current.Version, to, cancelReason, late, now, request, audit);
        if (write.Kind == LedgerWriteKind.InvalidTransition && to == AppointmentStatus.Booked)
        {
            return new Refusal(RefusalReason.HoldExpired, $"The hold on appointment {Id} has expired.");
        }
        var result = LedgerOutcomes.ToResult(write, Id);
        if (write.Kind == LedgerWriteKind.Updated && result.Value is { } updated)
        {
            await Tell(clinic, updated, current);
        }
        return result;
    }

    async Task<Result<AppointmentRecord>> IAppointmentGrain.Reschedule(RescheduleRequest request)
    {
        var invalid = Validation.First(
            request.TherapistId is null ? null : Validation.Id("therapist_id", request.TherapistId),
            request.RoomId is null ? null : Validation.Id("room_id", request.RoomId),
            request.ClinicId is null ? null : Validation.Id("clinic_id", request.ClinicId),
            request.NewStart == default ? Refusal.Invalid("new_start", "new_start is required.") : null);
        if (invalid is not null)
        {
            return invalid;
        }
        var ledgerRequest = RequestIds.For(
            request.RequestId, "booking.reschedule", Id,
            request.NewStart.ToUnixTimeTicks().ToString(System.Globalization.CultureInfo.InvariantCulture), request.TherapistId, request.RoomId, request.ClinicId);
        if (await Earlier(ledgerRequest) is { } earlier)
        {
            return earlier;
        }
        if (await ledger.GetAsync(Id) is not { } current)
        {
            return Refusal.NotFound("appointment_id", $"Appointment {Id} does not exist.");
        }
        var now = clock.GetCurrentInstant();
        if (AppointmentLifecycle.CheckReschedule(current, now) is { } notNow)
        {
            return notNow;
        }
        if (await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(current.ClinicId)).Get() is not { } oldClinic)
        {
            return Refusal.NotFound("clinic_id", $"Clinic {current.ClinicId} no longer exists.");
        }
        var clinic = oldClinic;
        if (request.ClinicId is { } newClinicId && newClinicId != current.ClinicId)
        {
            if (await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(newClinicId)).Get() is not { } newClinic)
            {
                return Refusal.NotFound("clinic_id", $"Clinic {newClinicId} does not exist.");
            }
            clinic = newClinic;
        }
        if (clinic.FindService(current.ServiceId) is not { } service)
        {
            return new Refusal(RefusalReason.ServiceNotOffered, $"Clinic {clinic.Id} does not offer {current.ServiceId}.");
        }
        var therapistId = request.TherapistId ?? current.TherapistId;
        if (await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId)).Get() is not { } therapist)
        {
            return Refusal.NotFound("therapist_id", $"Therapist {therapistId} does not exist.");
        }
        var treatment = new Interval(request.NewStart, request.NewStart + service.Duration);
        if (BookingRules.CheckPlacement(clinic, service, therapist, treatment, now) is { } rule)
        {
            return rule;
        }
        if (request.RoomId is not null && clinic.FindRoom(request.RoomId) is null)
        {
            return Refusal.NotFound("room_id", $"Clinic {clinic.Id} has no room '{request.RoomId}'.");
        }

        var date = clinic.LocalDateOf(request.NewStart);
        var tentative = new Tentative(Guid.NewGuid(), Id, now + Reservations.TentativeLifetime, current.HoldExpiresAt, $"move:{Guid.NewGuid()}");
        var clinicDay = GrainFactory.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(clinic.Id, date));
        var therapistDay = GrainFactory.GetGrain<ITherapistDayGrain>(GrainKeys.TherapistDay(therapistId, date));
        var clientCalendar = GrainFactory.GetGrain<IClientCalendarGrain>(GrainKeys.ClientCalendar(current.ClientId));
        var travel = await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).GetTravel();
        // The same order as booking (therapist, room, client), so a move and a booking never split the resources.
        if (await therapistDay.Reserve(clinic.Id, treatment, travel, tentative) is { } therapistRefusal)
        {
            return therapistRefusal;
        }
        var room = await clinicDay.Reserve(clinic, service.Id, request.RoomId, treatment, tentative);
        var clientRefusal = room.RoomId is null ? null : await clientCalendar.Reserve(treatment, tentative);
        if (room.RoomId is null || clientRefusal is not null)
        {
            await Task.WhenAll(clinicDay.Release(tentative.ReservationId), therapistDay.Release(tentative.ReservationId), clientCalendar.Release(tentative.ReservationId));
            return room.Refusal ?? clientRefusal!;
        }

        // A move keeps the status; its audit row goes in the move's transaction, as a status change's does.
        var audit = AuditTrail.BookingChangeEntry("booking.reschedule", Id, clinic.Id, current.ClientId, current.Status, therapistId, room.RoomId);
        LedgerWriteResult write;
        try
        {
            write = clinic.Id == current.ClinicId
                ? await ledger.MoveAsync(Id, current.Version, therapistId, room.RoomId, treatment.Start, treatment.End, treatment.End + service.Turnover, now, ledgerRequest, audit)
                : await ledger.ReassignAsync(Id, current.Version, clinic.Id, therapistId, room.RoomId, treatment.Start, treatment.End, treatment.End + service.Turnover, now, ledgerRequest, audit);
        }
        catch
        {
            // Not written (say its audit row could not be): the new slot's reservations go, memory reloads from the ledger.
            await ReleaseAndResync();
            throw;
        }
        if (!write.Succeeded)
        {
            await ReleaseAndResync();
        }
        var result = LedgerOutcomes.ToResult(write, Id);
        if (write.Kind == LedgerWriteKind.Updated && result.Value is { } moved)
        {
            await Tell(oldClinic, clinic, moved, current);
        }
        return result;

        async Task ReleaseAndResync()
        {
            await Task.WhenAll(clinicDay.Release(tentative.ReservationId), therapistDay.Release(tentative.ReservationId), clientCalendar.Release(tentative.ReservationId));
            await Task.WhenAll(clinicDay.Resync(), therapistDay.Resync(), clientCalendar.Resync());
        }
    }

    private static string AuditAction(AppointmentStatus to) => to switch
    {
        AppointmentStatus.Booked => "booking.confirm",
        AppointmentStatus.Arrived => "booking.checkin",
        AppointmentStatus.Fulfilled => "booking.complete",
        AppointmentStatus.NoShow => "booking.noshow",
        AppointmentStatus.Cancelled => "booking.cancel",
        _ => "booking.change",
    };

    private Task Tell(Clinic clinic, AppointmentRecord updated, AppointmentRecord before) => Tell(clinic, clinic, updated, before);

    /// <summary>Brings the calendars of the appointment's old place (at <paramref name="oldClinic"/>) and new place up to date with the ledger.</summary>
    private async Task Tell(Clinic oldClinic, Clinic clinic, AppointmentRecord updated, AppointmentRecord before)
    {
        var oldDate = oldClinic.LocalDateOf(before.Start);
        var newDate = clinic.LocalDateOf(updated.Start);
        var targets = new HashSet<(string Kind, string Key)>
        {
            ("c", GrainKeys.ClinicDay(before.ClinicId, oldDate)), ("c", GrainKeys.ClinicDay(updated.ClinicId, newDate)),
            ("t", GrainKeys.TherapistDay(before.TherapistId, oldDate)), ("t", GrainKeys.TherapistDay(updated.TherapistId, newDate)),
            ("k", GrainKeys.ClientCalendar(updated.ClientId)),
        };
        await Task.WhenAll(targets.Select(t => t.Kind switch
        {
            "c" => GrainFactory.GetGrain<IClinicDayGrain>(t.Key).Refresh(updated, newDate),
            "t" => GrainFactory.GetGrain<ITherapistDayGrain>(t.Key).Refresh(updated, newDate),
            _ => GrainFactory.GetGrain<IClientCalendarGrain>(t.Key).Refresh(updated, newDate),
        }));
    }
}
