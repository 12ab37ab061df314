namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>One stored cover plan, the single writer of its items' status. Key: the plan id.</summary>
[Alias("nmt.ICoverPlanGrain")]
public interface ICoverPlanGrain : IGrainWithGuidKey
{
    /// <summary>Stores the plan; if one is stored already (a retried request), returns that one instead.</summary>
    [Alias("Create")] Task<CoverPlan> Create(CoverPlan plan);

    /// <summary>The plan as stored: client ids only, no names or phones (for the gate and for retries).</summary>
    [ReadOnly, Alias("Get")] Task<CoverPlan?> Get();

    /// <summary>
    /// The plan with each client's name and phone read from the client directory now; every client shown is audited
    /// for the current caller (action <c>cover.contact-read</c>) before the plan is returned.
    /// </summary>
    [ReadOnly, Alias("Read")] Task<CoverPlan?> Read();

    /// <summary>
    /// Moves each chosen appointment (empty: every proposed one) to its replacement, one at a time, each atomically
    /// through the appointment's reschedule (the calendars and the ledger refuse a double booking). Idempotent per
    /// <paramref name="requestId"/>: a retry returns the first outcome. The items' contact details are read and audited like <see cref="Read"/>.
    /// </summary>
    [Alias("Apply")] Task<Result<CoverOutcome>> Apply(string requestId, IReadOnlyList<Guid> appointmentIds);
}
