using System.Text.RegularExpressions;

namespace NmtPractice.Domain;

/// <summary>The one validation path for identifiers and free text, shared by grains and the gateway.</summary>
public static partial class Validation
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 2000;

    /// <summary>Ids are 1-64 characters of letters, digits, '-', '_' and '.'; they become parts of grain keys and ledger rows.</summary>
    public static Refusal? Id(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Refusal.Invalid(field, $"{field} is required.");
        }
        if (value.Length > MaxIdLength)
        {
            return Refusal.Invalid(field, $"{field} is longer than {MaxIdLength} characters.");
        }
        return IdPattern().IsMatch(value)
            ? null
            : Refusal.Invalid(field, $"{field} may contain only letters, digits, '-', '_' and '.'.");
    }

    public static Refusal? RequiredText(string field, string? value, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Refusal.Invalid(field, $"{field} is required.");
        }
        return OptionalText(field, value, maxLength);
    }

    public static Refusal? OptionalText(string field, string? value, int maxLength = MaxTextLength)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length > maxLength)
        {
            return Refusal.Invalid(field, $"{field} is longer than {maxLength} characters.");
        }
        return value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')
            ? Refusal.Invalid(field, $"{field} contains control characters.")
            : null;
    }

    /// <summary>Returns the first refusal of the checks, or null when all pass.</summary>
    public static Refusal? First(params Refusal?[] checks) => checks.FirstOrDefault(c => c is not null);

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex IdPattern();
}
