namespace NmtPractice.Tokens;

/// <summary>The wire names of the four roles (the <c>role</c> claim).</summary>
public static class NmtRoles
{
    public const string ChainAdmin = "chain-admin";
    public const string ClinicManager = "clinic-manager";
    public const string FrontDesk = "front-desk";
    public const string Therapist = "therapist";

    public static IReadOnlyList<string> All { get; } = [ChainAdmin, ClinicManager, FrontDesk, Therapist];

    public static bool IsKnown(string? role) => role is ChainAdmin or ClinicManager or FrontDesk or Therapist;
}
