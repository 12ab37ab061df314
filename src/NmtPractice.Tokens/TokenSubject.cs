using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace NmtPractice.Tokens;

/// <summary>Who a token speaks for: <see cref="Role"/> is a wire name from <see cref="NmtRoles"/>.</summary>
public sealed record TokenSubject(string Subject, string Role, IReadOnlyList<string> ClinicIds, string? TherapistId = null);
