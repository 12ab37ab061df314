namespace NmtPractice.Persistence.Records;

/// <summary>Outcomes an audit row records.</summary>
public static class AuditOutcomes
{
    public const string Ok = "ok";
    public const string Denied = "denied";
    public const string Refused = "refused";
}
