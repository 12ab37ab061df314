using NmtPractice.Domain.Appointments;

namespace NmtPractice.Api.Security;

/// <summary>What a listing shows the caller of the current call (<see cref="CallerContext.Current"/>).</summary>
public static class Visibility
{
    /// <summary>
    /// Chain-admin (and internal calls without a caller) see every appointment; a therapist their own; a manager or
    /// front desk those at their clinics.
    /// </summary>
    public static bool CanSee(Caller? caller, AppointmentRecord appointment)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        return caller is null || caller.Role switch
        {
            Role.ChainAdmin => true,
            Role.Therapist => appointment.TherapistId == caller.TherapistId,
            _ => caller.CanSeeClinic(appointment.ClinicId),
        };
    }

    /// <summary>The appointments the current caller may see, in their order.</summary>
    public static IReadOnlyList<AppointmentRecord> Filter(IReadOnlyList<AppointmentRecord> appointments)
    {
        var caller = CallerContext.Current;
        return caller is null || caller.Role == Role.ChainAdmin ? appointments : [.. appointments.Where(a => CanSee(caller, a))];
    }
}
