namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>What to do with booked appointments that a roster change or absence would leave outside rostered time.</summary>
public enum StrandedPolicy
{
    /// <summary>Refuse the change, listing the appointments (WOULD_STRAND_BOOKINGS).</summary>
    Refuse = 0,
    /// <summary>Make the change and cancel those appointments (reason "roster-change").</summary>
    Cancel = 1,
    /// <summary>Make the change and propose cover for those appointments (a <see cref="CoverPlan"/> to apply).</summary>
    Cover = 2,
}
