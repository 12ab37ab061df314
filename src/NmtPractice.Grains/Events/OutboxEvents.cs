using System.Text.Json;
using NmtPractice.Persistence.Outbox;

namespace NmtPractice.Grains.Events;

/// <summary>
/// The events of changes kept in grain state (rosters, absences, cover plans), appended right after the state is
/// written. The appointment events are written by the ledger itself (migration 0040's trigger). Ids and times only.
/// </summary>
public static class OutboxEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static NewOutboxEvent RosterChanged(string therapistId, string change, IReadOnlyList<string> clinicIds, Instant at, object? details = null) =>
        new(EventTypes.RosterChanged, clinicIds.FirstOrDefault(), clinicIds, [therapistId], $"therapists/{therapistId}", at,
            Serialize(new Dictionary<string, object?>
            {
                ["therapist_id"] = therapistId,
                ["change"] = change,
                ["clinic_ids"] = clinicIds,
                ["details"] = details,
            }));

    public static NewOutboxEvent AbsenceRecorded(string therapistId, Interval period, IReadOnlyList<string> clinicIds, Instant at) =>
        new(EventTypes.AbsenceRecorded, clinicIds.FirstOrDefault(), clinicIds, [therapistId], $"therapists/{therapistId}", at,
            Serialize(new Dictionary<string, object?>
            {
                ["therapist_id"] = therapistId,
                ["from"] = Text(period.Start),
                ["to"] = Text(period.End),
                ["clinic_ids"] = clinicIds,
            }));

    public static NewOutboxEvent CoverProposed(CoverPlan plan, Instant at)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var (clinics, therapists) = Scope(plan.TherapistId, plan.Items);
        return new(EventTypes.CoverProposed, clinics.FirstOrDefault(), clinics, therapists, $"cover-plans/{plan.PlanId}", at,
            Serialize(new Dictionary<string, object?>
            {
                ["plan_id"] = plan.PlanId,
                ["therapist_id"] = plan.TherapistId,
                ["from"] = Text(plan.From),
                ["to"] = Text(plan.To),
                ["items"] = plan.Items.Select(Item).ToList(),
            }),
            DedupeKey: $"cover.proposed:{plan.PlanId}");
    }

    public static NewOutboxEvent CoverApplied(CoverPlan plan, CoverOutcome outcome, Instant at)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outcome);
        var (clinics, therapists) = Scope(plan.TherapistId, outcome.Items);
        return new(EventTypes.CoverApplied, clinics.FirstOrDefault(), clinics, therapists, $"cover-plans/{plan.PlanId}", at,
            Serialize(new Dictionary<string, object?>
            {
                ["plan_id"] = plan.PlanId,
                ["therapist_id"] = plan.TherapistId,
                ["items"] = outcome.Items.Select(Item).ToList(),
            }),
            DedupeKey: $"cover.applied:{plan.PlanId}:{outcome.RequestId}");
    }

    /// <summary>Who sees a cover event: the clinics and therapists its items leave and go to, and the absent therapist.</summary>
    private static (List<string> Clinics, List<string> Therapists) Scope(string absentTherapistId, IReadOnlyList<CoverItem> items) =>
        ([.. items.Select(i => i.ClinicId).Concat(items.Select(i => i.NewClinicId).OfType<string>()).Distinct()],
         [.. items.Select(i => i.NewTherapistId).OfType<string>().Prepend(absentTherapistId).Distinct()]);

    private static Dictionary<string, object?> Item(CoverItem i) => new()
    {
        ["appointment_id"] = i.AppointmentId,
        ["status"] = i.Status.ToString().ToLowerInvariant(),
        ["clinic_id"] = i.ClinicId,
        ["therapist_id"] = i.TherapistId,
        ["room_id"] = i.RoomId,
        ["start"] = Text(i.Start),
        ["end"] = Text(i.End),
        ["new_clinic_id"] = i.NewClinicId,
        ["new_therapist_id"] = i.NewTherapistId,
        ["new_room_id"] = i.NewRoomId,
        ["new_end"] = i.NewEnd is { } end ? Text(end) : null,
        ["reason_code"] = i.ReasonCode,
    };

    private static string Text(Instant instant) => NodaTime.Text.InstantPattern.ExtendedIso.Format(instant);

    private static string Serialize(object value) => JsonSerializer.Serialize(value, Json);
}
