namespace NmtPractice.Domain.Accounts;

/// <summary>
/// What a staff account's email, display name and password must be. Shared by the gateway (which refuses bad input
/// before anything runs) and the account grains (which check again).
/// </summary>
public static class StaffAccountRules
{
    /// <summary>RFC 5321's limit on a whole address.</summary>
    public const int MaxEmailLength = 254;

    public const int MinPasswordLength = 12;

    /// <summary>Long enough for any passphrase; bounded so that hashing stays cheap for huge inputs.</summary>
    public const int MaxPasswordLength = 128;

    public const int MinDistinctPasswordCharacters = 6;

    /// <summary>The form the email is compared and stored in: trimmed, lower-case (invariant).</summary>
    public static string NormalizeEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }

    /// <summary>One '@' with something before and after it, a dot in the domain, no spaces or control characters.</summary>
    public static Refusal? Email(string field, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return Refusal.Invalid(field, $"{field} is required.");
        }
        var value = email.Trim();
        if (value.Length > MaxEmailLength)
        {
            return Refusal.Invalid(field, $"{field} is longer than {MaxEmailLength} characters.");
        }
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var wellFormed = at > 0
            && at == value.LastIndexOf('@')
            && value.IndexOf('.', at) > at + 1
            && !value.EndsWith('.')
            && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
        return wellFormed ? null : Refusal.Invalid(field, $"{field} is not an email address (name@example.com).");
    }

    public static Refusal? DisplayName(string field, string? name) => Validation.RequiredText(field, name, Validation.MaxNameLength);

    /// <summary>
    /// At least <see cref="MinPasswordLength"/> characters of which <see cref="MinDistinctPasswordCharacters"/> differ,
    /// at most <see cref="MaxPasswordLength"/>, and not containing the name part of the account's email. The message
    /// never repeats the password.
    /// </summary>
    public static Refusal? Password(string field, string? password, string? email)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Refusal.Invalid(field, $"{field} is required.");
        }
        if (password.Length < MinPasswordLength)
        {
            return Refusal.Invalid(field, $"{field} must be at least {MinPasswordLength} characters long.");
        }
        if (password.Length > MaxPasswordLength)
        {
            return Refusal.Invalid(field, $"{field} must be at most {MaxPasswordLength} characters long.");
        }
        if (password.Any(char.IsControl))
        {
            return Refusal.Invalid(field, $"{field} contains control characters.");
        }
        if (password.Distinct().Count() < MinDistinctPasswordCharacters)
        {
            return Refusal.Invalid(field, $"{field} must contain at least {MinDistinctPasswordCharacters} different characters.");
        }
        var localPart = email is null ? "" : NormalizeEmail(email).Split('@')[0];
        if (localPart.Length >= 3 && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))
        {
            return Refusal.Invalid(field, $"{field} must not contain the account's email name.");
        }
        return null;
    }
}
