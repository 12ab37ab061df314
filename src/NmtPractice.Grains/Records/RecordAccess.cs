namespace NmtPractice.Grains.Records;

/// <summary>
/// The record access policy, as a pure function of the caller and two facts from the ledger (whether the caller, as a
/// therapist, has an appointment with the client; whether the client has an appointment at one of the caller's clinics):
/// <list type="bullet">
/// <item>therapist: clinical access to clients they have (had) an appointment with (any status but cancelled);</item>
/// <item>front desk and clinic manager: the summary of clients with an appointment at one of their clinics;</item>
/// <item>chain admin: the summary of every client, and erasure; no clinical notes (they are for the treating therapists);</item>
/// <item>no caller: nothing.</item>
/// </list>
/// Consents are recorded and withdrawn by front desks, therapists and chain admins with access; erasure by chain admins.
/// </summary>
public static class RecordAccess
{
    public static RecordAccessLevel Level(Caller? caller, bool treatsClient, bool visitedCallersClinic) => caller?.Role switch
    {
        Role.Therapist when caller.TherapistId is not null && treatsClient => RecordAccessLevel.Clinical,
        Role.FrontDesk or Role.ClinicManager when visitedCallersClinic => RecordAccessLevel.Summary,
        Role.ChainAdmin => RecordAccessLevel.Summary,
        _ => RecordAccessLevel.None,
    };

    public static bool MayChangeConsents(Caller? caller, RecordAccessLevel level) =>
        level != RecordAccessLevel.None && caller?.Role is Role.FrontDesk or Role.Therapist or Role.ChainAdmin;

    public static bool MayErase(Caller? caller) => caller?.Role == Role.ChainAdmin;
}
