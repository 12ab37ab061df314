namespace NmtPractice.Grains.Abstractions.Security;

/// <summary>The four roles of a token. Wire names (<see cref="RoleNames"/>): chain-admin, clinic-manager, front-desk, therapist.</summary>
public enum Role
{
    ChainAdmin = 1,
    ClinicManager,
    FrontDesk,
    Therapist,
}
