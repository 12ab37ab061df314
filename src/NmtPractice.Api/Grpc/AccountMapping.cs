using NmtPractice.Grains.Abstractions.Accounts;

namespace NmtPractice.Api.Grpc;

/// <summary>Staff accounts between the wire and the grains.</summary>
public static class AccountMapping
{
    public const int MaxClinics = 64;

    public static StaffUser ToWire(StaffUserView user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var wire = new StaffUser
        {
            UserId = user.UserId.ToString("D"),
            Email = user.Email,
            DisplayName = user.DisplayName,
            Role = user.Role.WireName(),
            TherapistId = user.TherapistId ?? "",
            Disabled = user.Disabled,
        };
        wire.ClinicIds.AddRange(user.ClinicIds);
        return wire;
    }

    public static Guid UserId(string value)
    {
        if (value.Length == 0)
        {
            ApiErrors.ThrowInvalid("user_id", "user_id is required.");
        }
        return Guid.TryParse(value, out var id) ? id : throw ApiErrors.ToRpcException(Refusal.Invalid("user_id", "user_id is not a user id."));
    }

    public static Role Role(string value) =>
        RoleNames.Parse(value) ?? throw ApiErrors.ToRpcException(Refusal.Invalid(
            "role", value.Length == 0 ? "role is required." : $"role must be one of {string.Join(", ", NmtPractice.Tokens.NmtRoles.All)}."));

    public static List<string> ClinicIds(IReadOnlyList<string> values)
    {
        WireFormat.Count(values.ToList(), "clinic_ids", MaxClinics);
        return values.Select(v => WireFormat.Id(v, "clinic_ids")).ToList();
    }
}
