using NmtPractice.Grains.Records;

namespace NmtPractice.Grains.Cover;

/// <summary>
/// Client contact details in cover plans. A stored plan keeps only the client id of each item (no name, no phone), so
/// an erasure has nothing to find there; when a plan is shown, the names and phones are read from the client directory
/// at that moment, and each client whose details are shown gets an audit row for the caller (like GetClient).
/// </summary>
public static class CoverContacts
{
    /// <summary>The audit action of showing a client's contact details in a cover plan.</summary>
    public const string ReadAction = "cover.contact-read";

    public static CoverItem Strip(CoverItem item) => item with { ClientName = "", ClientPhone = null };

    public static CoverPlan Strip(CoverPlan plan) => plan with { Items = plan.Items.Select(Strip).ToList() };

    public static CoverOutcome Strip(CoverOutcome outcome) => outcome with { Items = outcome.Items.Select(Strip).ToList() };

    /// <summary>True when an item carries a name or phone (a plan stored by an earlier version).</summary>
    public static bool HoldsContacts(IEnumerable<CoverItem> items) =>
        items.Any(i => !string.IsNullOrEmpty(i.ClientName) || i.ClientPhone is not null);

    public static async Task<CoverPlan> Reveal(CoverPlan plan, ClientDirectory directory, AuditLog log) =>
        plan with { Items = await Reveal(plan.PlanId, plan.Items, directory, log) };

    public static async Task<CoverOutcome> Reveal(CoverOutcome outcome, ClientDirectory directory, AuditLog log) =>
        outcome with { Items = await Reveal(outcome.PlanId, outcome.Items, directory, log) };

    /// <summary>
    /// The items with each client's name and phone as the directory holds them now (an erased or unknown client shows
    /// its id only). The audit rows are written before the details are returned: if that write fails, so does the read.
    /// </summary>
    private static async Task<IReadOnlyList<CoverItem>> Reveal(Guid planId, IReadOnlyList<CoverItem> items, ClientDirectory directory, AuditLog log)
    {
        if (items.Count == 0)
        {
            return items;
        }
        var found = await directory.GetManyAsync(items.Select(i => i.ClientId).Distinct(StringComparer.Ordinal).ToList());
        var caller = CallerContext.Current;
        var entries = items
            .Where(i => found.ContainsKey(i.ClientId))
            .Select(i => (i.ClientId, i.ClinicId))
            .Distinct()
            .Select(k => AuditEntries.For(caller, ReadAction, "client", k.ClientId, k.ClinicId, k.ClientId, null, AuditOutcomes.Ok, new { plan = planId }))
            .ToList();
        await log.AppendManyAsync(entries);
        return items.Select(i => found.TryGetValue(i.ClientId, out var c)
                ? i with { ClientName = $"{c.GivenName} {c.FamilyName}".Trim(), ClientPhone = c.Phone }
                : i with { ClientName = i.ClientId, ClientPhone = null })
            .ToList();
    }
}
