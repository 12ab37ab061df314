namespace NmtPractice.Domain.Records;

/// <summary>A consent the client gave (e.g. "treatment", "data-processing"); withdrawn when <see cref="WithdrawnAt"/> is set.</summary>
public sealed record Consent(
    Guid ConsentId,
    string ClientId,
    string Kind,
    Instant GivenAt,
    string RecordedBy,
    Instant? WithdrawnAt,
    string? WithdrawnBy)
{
    public bool IsActive => WithdrawnAt is null;
}
