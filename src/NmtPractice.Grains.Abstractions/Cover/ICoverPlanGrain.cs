namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>One stored cover plan, the single writer of its items' status. Key: the plan id.</summary>
[Alias("nmt.ICoverPlanGrain")]
public interface ICoverPlanGrain : IGrainWithGuidKey
{
    /// <summary>Stores the plan; if one is stored already (a retried request), returns that one instead.</summary>
    [Alias("Create")] Task<CoverPlan> Create(CoverPlan plan);

    [ReadOnly, Alias("Get")] Task<CoverPlan?> Get();

    /// <summary>
    /// Moves each chosen appointment (empty: every proposed one) to its replacement, one at a time, each atomically
    /// through the appointment's reschedule (the calendars and the ledger refuse a double booking). Idempotent per
    /// <paramref name="requestId"/>: a retry returns the first outcome.
    /// </summary>
    [Alias("Apply")] Task<Result<CoverOutcome>> Apply(string requestId, IReadOnlyList<Guid> appointmentIds);
}
