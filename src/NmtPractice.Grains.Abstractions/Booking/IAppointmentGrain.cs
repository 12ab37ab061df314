namespace NmtPractice.Grains.Abstractions.Booking;

/// <summary>One appointment's lifecycle after booking. Key: the appointment id.</summary>
[Alias("nmt.IAppointmentGrain")]
public interface IAppointmentGrain : IGrainWithGuidKey
{
    [Alias("Get")] Task<AppointmentRecord?> Get();
    [Alias("Confirm")] Task<Result<AppointmentRecord>> Confirm();
    [Alias("Cancel")] Task<Result<AppointmentRecord>> Cancel(string reason);
    [Alias("CheckIn")] Task<Result<AppointmentRecord>> CheckIn();
    [Alias("Complete")] Task<Result<AppointmentRecord>> Complete();
    [Alias("MarkNoShow")] Task<Result<AppointmentRecord>> MarkNoShow();
    /// <summary>Atomic move: the old slot is freed only if the new one is taken.</summary>
    [Alias("Reschedule")] Task<Result<AppointmentRecord>> Reschedule(RescheduleRequest request);
}
