using NmtPractice.Grains.Config;

namespace NmtPractice.Grains.Cover;

/// <summary>
/// A stored cover plan and the single writer of its items' status. Applying moves each appointment through its own
/// grain's atomic reschedule (therapist-day, clinic-day and client calendars, then one ledger write whose exclusion
/// constraints refuse any double booking), one appointment at a time; a failure affects only that appointment.
/// </summary>
public sealed class CoverPlanGrain(
    [PersistentState("coverplan", StorageNames.Grains)] IPersistentState<CoverPlanState> state,
    ClientDirectory directory,
    AuditLog auditLog,
    OutboxStore outbox,
    IClock clock,
    ILogger<CoverPlanGrain> logger) : Grain, ICoverPlanGrain
{
    /// <summary>Outcomes remembered for idempotent retries; the oldest are forgotten beyond this.</summary>
    public const int MaxRememberedOutcomes = 100;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A plan stored by an earlier version kept names and phones: keep the ids only (migration 0010 blanks them in
        // storage as well; this covers a plan written by an older silo during a rolling upgrade).
        if (state.State.Plan is { } plan && (CoverContacts.HoldsContacts(plan.Items) || state.State.Outcomes.Values.Any(o => CoverContacts.HoldsContacts(o.Items))))
        {
            state.State.Plan = CoverContacts.Strip(plan);
            foreach (var key in state.State.Outcomes.Keys.ToList())
            {
                state.State.Outcomes[key] = CoverContacts.Strip(state.State.Outcomes[key]);
            }
            await state.WriteStateAsync(cancellationToken);
        }
        await base.OnActivateAsync(cancellationToken);
    }

    async Task<CoverPlan> ICoverPlanGrain.Create(CoverPlan plan)
    {
        if (state.State.Plan is { } existing)
        {
            return existing;
        }
        state.State.Plan = CoverContacts.Strip(plan) with { PlanId = this.GetPrimaryKey() };
        await state.WriteStateAsync();
        await outbox.AppendAsync(OutboxEvents.CoverProposed(state.State.Plan, clock.GetCurrentInstant()));
        return state.State.Plan;
    }

    Task<CoverPlan?> ICoverPlanGrain.Get() => Task.FromResult(state.State.Plan);

    async Task<CoverPlan?> ICoverPlanGrain.Read() =>
        state.State.Plan is { } plan ? await CoverContacts.Reveal(plan, directory, auditLog) : null;

    async Task<Result<CoverOutcome>> ICoverPlanGrain.Apply(string requestId, IReadOnlyList<Guid> appointmentIds)
    {
        if (string.IsNullOrWhiteSpace(requestId))
        {
            return Refusal.Invalid("request_id", "request_id is required (an idempotency key).");
        }
        if (Validation.OptionalText("request_id", requestId, 128) is { } badRequest)
        {
            return badRequest;
        }
        if (state.State.Outcomes.TryGetValue(requestId, out var earlier))
        {
            return Result<CoverOutcome>.Ok(await CoverContacts.Reveal(earlier, directory, auditLog));
        }
        if (state.State.Plan is not { } plan)
        {
            return Refusal.NotFound("plan_id", $"Cover plan {this.GetPrimaryKey()} does not exist.");
        }
        var unknown = appointmentIds.FirstOrDefault(id => plan.Items.All(i => i.AppointmentId != id));
        if (unknown != Guid.Empty)
        {
            return Refusal.NotFound("appointment_ids", $"Appointment {unknown} is not in cover plan {plan.PlanId}.");
        }
        var chosen = appointmentIds.Count == 0 ? plan.Items.Select(i => i.AppointmentId).ToHashSet() : appointmentIds.ToHashSet();
        var items = plan.Items.ToList();
        var touched = new List<CoverItem>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!chosen.Contains(items[i].AppointmentId))
            {
                continue;
            }
            items[i] = await ApplyOne(items[i]);
            touched.Add(items[i]);
        }
        var outcome = new CoverOutcome(plan.PlanId, requestId, touched);
        state.State.Plan = plan with { Items = items };
        if (state.State.Outcomes.Count >= MaxRememberedOutcomes)
        {
            state.State.Outcomes.Remove(state.State.Outcomes.Keys.First());
        }
        state.State.Outcomes[requestId] = outcome;
        await state.WriteStateAsync();
        await outbox.AppendAsync(OutboxEvents.CoverApplied(plan, outcome, clock.GetCurrentInstant()));
        logger.LogInformation("Cover plan {PlanId} applied (request {RequestId}): {Applied} applied, {Contact} to contact",
            plan.PlanId, requestId, touched.Count(i => i.Status == CoverItemStatus.Applied), touched.Count(i => i.NeedsContact));
        return Result<CoverOutcome>.Ok(await CoverContacts.Reveal(outcome, directory, auditLog));
    }

    private async Task<CoverItem> ApplyOne(CoverItem item)
    {
        if (item.Status is CoverItemStatus.Applied or CoverItemStatus.Uncovered)
        {
            return item;
        }
        var appointment = GrainFactory.GetGrain<IAppointmentGrain>(item.AppointmentId);
        if (await appointment.Get() is not { } current)
        {
            return Failed(item, Refusal.NotFound("appointment_id", $"Appointment {item.AppointmentId} no longer exists."));
        }
        if (current.TherapistId == item.NewTherapistId && current.ClinicId == item.NewClinicId && current.RoomId == item.NewRoomId
            && current.Start == item.Start && current.OccupiesAt(clock.GetCurrentInstant()))
        {
            // Moved by an earlier attempt whose outcome was not stored.
            return item with { Status = CoverItemStatus.Applied, Reason = null, ReasonCode = null };
        }
        if (current.TherapistId != item.TherapistId || current.ClinicId != item.ClinicId || current.Start != item.Start
            || !current.OccupiesAt(clock.GetCurrentInstant()))
        {
            return Failed(item, new Refusal(RefusalReason.Concurrency,
                $"Appointment {item.AppointmentId} changed since the plan was made (now {current.Status.ToFhir()}, therapist {current.TherapistId})."));
        }
        var moved = await appointment.Reschedule(new RescheduleRequest(item.Start, item.NewTherapistId, item.NewRoomId, item.NewClinicId));
        return moved.Refusal is { } refusal
            ? Failed(item, refusal)
            : item with { Status = CoverItemStatus.Applied, NewEnd = moved.Value!.End, Reason = null, ReasonCode = null };
    }

    private static CoverItem Failed(CoverItem item, Refusal refusal) =>
        item with { Status = CoverItemStatus.Failed, Reason = refusal.Message, ReasonCode = refusal.Code };
}
