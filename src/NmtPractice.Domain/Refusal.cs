namespace NmtPractice.Domain;

/// <summary>A refusal: the reason, a message a front desk can read, the offending field where there is one, and alternatives for a conflict.</summary>
public sealed record Refusal(RefusalReason Reason, string Message, string? Field = null)
{
    public IReadOnlyList<AvailableSlot> Alternatives { get; init; } = [];

    /// <summary>The offending value where the field alone does not say which (the unknown id of a list of ids).</summary>
    public string? Value { get; init; }

    /// <summary>The appointments the refusal is about (e.g. those a roster change would strand), by start.</summary>
    public IReadOnlyList<Guid> Appointments { get; init; } = [];

    public string Code => Reason.ToCode();

    /// <summary>True for the reasons that are about other bookings (a slot taken), as opposed to the rules of the clinic or roster.</summary>
    public bool IsConflict => Reason is RefusalReason.TherapistBusy or RefusalReason.RoomBusy or RefusalReason.Turnover
        or RefusalReason.Travel or RefusalReason.ClientBusy;

    public static Refusal Invalid(string field, string message) => new(RefusalReason.InvalidArgument, message, field);

    public static Refusal NotFound(string field, string message) => new(RefusalReason.NotFound, message, field);
}
