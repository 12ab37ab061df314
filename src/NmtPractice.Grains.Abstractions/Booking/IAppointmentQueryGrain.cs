namespace NmtPractice.Grains.Abstractions.Booking;

/// <summary>
/// Appointment listings read from the appointments ledger (the read model), for the gateway's list calls and scope
/// checks. Each list holds appointments of every status starting in [from, to), by start. Stateless; key 0.
/// </summary>
[Alias("nmt.IAppointmentQueryGrain")]
public interface IAppointmentQueryGrain : IGrainWithIntegerKey
{
    [ReadOnly, Alias("ForClinic")] Task<IReadOnlyList<AppointmentRecord>> ForClinic(string clinicId, Instant from, Instant to);

    [ReadOnly, Alias("ForTherapist")] Task<IReadOnlyList<AppointmentRecord>> ForTherapist(string therapistId, Instant from, Instant to);

    [ReadOnly, Alias("ForClient")] Task<IReadOnlyList<AppointmentRecord>> ForClient(string clientId, Instant from, Instant to);
}
