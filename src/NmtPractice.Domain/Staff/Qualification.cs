namespace NmtPractice.Domain.Staff;

/// <summary>A qualification such as <c>nmt-certified</c>; valid up to and including <paramref name="ExpiresOn"/> when given.</summary>
public sealed record Qualification(string Code, LocalDate? ExpiresOn)
{
    public bool IsValidOn(LocalDate date) => ExpiresOn is null || date <= ExpiresOn;
}
