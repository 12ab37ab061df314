namespace NmtPractice.Grains.Views;

/// <summary>Appointment listings straight from the appointments ledger (the read model).</summary>
[StatelessWorker]
public sealed class AppointmentQueryGrain(AppointmentLedger ledger) : Grain, IAppointmentQueryGrain
{
    Task<IReadOnlyList<AppointmentRecord>> IAppointmentQueryGrain.ForClinic(string clinicId, Instant from, Instant to) =>
        ledger.ListForClinicAsync(clinicId, from, to);

    Task<IReadOnlyList<AppointmentRecord>> IAppointmentQueryGrain.ForTherapist(string therapistId, Instant from, Instant to) =>
        ledger.ListForTherapistAsync(therapistId, from, to);

    Task<IReadOnlyList<AppointmentRecord>> IAppointmentQueryGrain.ForClient(string clientId, Instant from, Instant to) =>
        ledger.ListForClientAsync(clientId, from, to);
}
