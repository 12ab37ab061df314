namespace NmtPractice.Domain.Records;

/// <summary>
/// The rules of the clinical record, as pure functions: what a valid intake, consent and note look like, and how a
/// note moves from draft to signed to amended. Refusals name the offending field.
/// </summary>
public static class ClinicalRules
{
    public const int MaxListItems = 30;
    public const int MaxTriggerPoints = 40;
    public const int MaxPressureSeconds = 600;
    public const int MaxHistoryLength = 8000;

    /// <summary>Contraindication codes the intake knows; "other" needs a note saying what.</summary>
    public static IReadOnlyList<string> KnownContraindications { get; } =
    [
        "recent-surgery", "clotting-disorder", "anticoagulants", "pregnancy", "fracture", "infection", "skin-condition",
        "cancer", "diabetes", "osteoporosis", "varicose-veins", "other",
    ];

    public static IReadOnlyList<string> Sides { get; } = ["left", "right", "bilateral"];

    public static Refusal? CheckIntake(Intake intake)
    {
        ArgumentNullException.ThrowIfNull(intake);
        var text = Validation.First(
            Validation.OptionalText("health_history", intake.HealthHistory, MaxHistoryLength),
            Validation.OptionalText("contraindication_notes", intake.ContraindicationNotes),
            Validation.OptionalText("medications", intake.Medications));
        if (text is not null)
        {
            return text;
        }
        if (intake.Contraindications.Count > MaxListItems)
        {
            return Refusal.Invalid("contraindications", $"At most {MaxListItems} contraindications.");
        }
        foreach (var code in intake.Contraindications)
        {
            if (!KnownContraindications.Contains(code, StringComparer.Ordinal))
            {
                return Refusal.Invalid("contraindications", $"'{code}' is not a known contraindication ({string.Join(", ", KnownContraindications)}).");
            }
        }
        if (intake.Contraindications.Distinct(StringComparer.Ordinal).Count() != intake.Contraindications.Count)
        {
            return Refusal.Invalid("contraindications", "A contraindication is listed twice.");
        }
        return intake.Contraindications.Contains("other", StringComparer.Ordinal) && string.IsNullOrWhiteSpace(intake.ContraindicationNotes)
            ? Refusal.Invalid("contraindication_notes", "Say what the 'other' contraindication is.")
            : null;
    }

    public static Refusal? CheckConsentKind(string kind) =>
        Validation.Id("kind", kind);

    /// <summary>Checks a note's content; a draft may be incomplete, so only what is given is checked.</summary>
    public static Refusal? CheckContent(NoteContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = Validation.First(
            Validation.OptionalText("complaint", content.Complaint, Validation.MaxTextLength),
            Validation.OptionalText("technique", content.Technique),
            Validation.OptionalText("client_response", content.ClientResponse),
            Validation.OptionalText("advice", content.Advice),
            CheckPain("pain_before", content.PainBefore),
            CheckPain("pain_after", content.PainAfter),
            CheckList("symptoms", content.Symptoms),
            CheckList("tools", content.Tools));
        if (text is not null)
        {
            return text;
        }
        if (content.PressureSeconds is { } seconds && (seconds <= 0 || seconds > MaxPressureSeconds))
        {
            return Refusal.Invalid("pressure_seconds", $"pressure_seconds is between 1 and {MaxPressureSeconds}.");
        }
        if (content.TriggerPoints.Count > MaxTriggerPoints)
        {
            return Refusal.Invalid("trigger_points", $"At most {MaxTriggerPoints} trigger points.");
        }
        for (var i = 0; i < content.TriggerPoints.Count; i++)
        {
            var point = content.TriggerPoints[i];
            var field = $"trigger_points[{i}]";
            var refusal = Validation.First(
                Validation.RequiredText(field + ".muscle", point.Muscle),
                Sides.Contains(point.Side, StringComparer.Ordinal) ? null : Refusal.Invalid(field + ".side", "side is left, right or bilateral."),
                Validation.OptionalText(field + ".location", point.Location, Validation.MaxNameLength),
                Validation.OptionalText(field + ".referred_pain", point.ReferredPain, Validation.MaxNameLength));
            if (refusal is not null)
            {
                return refusal;
            }
        }
        return null;
    }

    /// <summary>What signing needs beyond a valid draft: the complaint and both pain scores.</summary>
    public static Refusal? CheckComplete(NoteContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Validation.First(
            CheckContent(content),
            string.IsNullOrWhiteSpace(content.Complaint) ? Refusal.Invalid("complaint", "A signed note states the complaint.") : null,
            content.PainBefore is null ? Refusal.Invalid("pain_before", "A signed note records the pain score before the session.") : null,
            content.PainAfter is null ? Refusal.Invalid("pain_after", "A signed note records the pain score after the session.") : null);
    }

    /// <summary>A draft is edited only by its author, and only while it is a draft.</summary>
    public static Refusal? CheckEditDraft(SessionNote latest, string therapistId, NoteContent content)
    {
        ArgumentNullException.ThrowIfNull(latest);
        if (latest.Status != NoteStatus.Draft)
        {
            return new Refusal(RefusalReason.InvalidTransition, $"Note {latest.NoteId} is signed: it cannot be changed, only amended.");
        }
        return latest.TherapistId != therapistId
            ? new Refusal(RefusalReason.NotAllowed, $"Only the author ({latest.TherapistId}) edits draft note {latest.NoteId}.")
            : CheckContent(content);
    }

    /// <summary>The signed version of a draft; only its author signs, once, a complete note.</summary>
    public static (SessionNote? Signed, Refusal? Refusal) Sign(SessionNote latest, string therapistId, Instant now)
    {
        ArgumentNullException.ThrowIfNull(latest);
        if (latest.Status != NoteStatus.Draft)
        {
            return (null, new Refusal(RefusalReason.InvalidTransition, $"Note {latest.NoteId} is signed already."));
        }
        if (latest.TherapistId != therapistId)
        {
            return (null, new Refusal(RefusalReason.NotAllowed, $"Only the author ({latest.TherapistId}) signs note {latest.NoteId}."));
        }
        return CheckComplete(latest.Content) is { } incomplete
            ? (null, incomplete)
            : (latest with { Status = NoteStatus.Signed, SignedBy = therapistId, SignedAt = now, UpdatedAt = now }, null);
    }

    /// <summary>
    /// The amendment of a signed note: a new signed version with the new content, by the note's author, giving a
    /// reason. The signed version it replaces is left as it is.
    /// </summary>
    public static (SessionNote? Amended, Refusal? Refusal) Amend(SessionNote latest, string therapistId, NoteContent content, string reason, Instant now)
    {
        ArgumentNullException.ThrowIfNull(latest);
        if (latest.Status != NoteStatus.Signed)
        {
            return (null, new Refusal(RefusalReason.InvalidTransition, $"Note {latest.NoteId} is a draft: edit it, then sign it."));
        }
        if (latest.TherapistId != therapistId)
        {
            return (null, new Refusal(RefusalReason.NotAllowed, $"Only the author ({latest.TherapistId}) amends note {latest.NoteId}."));
        }
        var refusal = Validation.First(Validation.RequiredText("reason", reason, Validation.MaxNameLength), CheckComplete(content));
        return refusal is not null
            ? (null, refusal)
            : (latest with
            {
                Version = latest.Version + 1, Content = content, CreatedAt = now, UpdatedAt = now, SignedBy = therapistId, SignedAt = now,
                AmendedFrom = latest.Version, AmendReason = reason.Trim(),
            }, null);
    }

    /// <summary>Pain scores of the signed sessions (latest version of each note), oldest session first.</summary>
    public static IReadOnlyList<ProgressPoint> Progress(IEnumerable<SessionNote> latestVersions) =>
        latestVersions.Where(n => n.Status == NoteStatus.Signed)
            .OrderBy(n => n.SessionStart).ThenBy(n => n.NoteId)
            .Select(n => new ProgressPoint(n.NoteId, n.AppointmentId, n.SessionStart, n.TherapistId, n.Content.PainBefore, n.Content.PainAfter))
            .ToList();

    private static Refusal? CheckPain(string field, int? score) =>
        score is < 0 or > 10 ? Refusal.Invalid(field, $"{field} is a score from 0 to 10.") : null;

    private static Refusal? CheckList(string field, IReadOnlyList<string> items)
    {
        if (items.Count > MaxListItems)
        {
            return Refusal.Invalid(field, $"At most {MaxListItems} {field}.");
        }
        return items.Select(item => Validation.RequiredText(field, item, Validation.MaxNameLength)).FirstOrDefault(r => r is not null);
    }
}
