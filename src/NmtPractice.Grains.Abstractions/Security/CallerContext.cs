namespace NmtPractice.Grains.Abstractions.Security;

/// <summary>
/// Carries the caller with every grain call (Orleans RequestContext flows along the call chain), so grains that guard
/// records check the same identity the gateway checked.
/// </summary>
public static class CallerContext
{
    private const string Key = "nmt.caller";

    /// <summary>The caller of the current call chain, or null when none was set (an internal call).</summary>
    public static Caller? Current => RequestContext.Get(Key) as Caller;

    public static void Set(Caller caller) => RequestContext.Set(Key, caller);

    public static void Clear() => RequestContext.Remove(Key);
}
