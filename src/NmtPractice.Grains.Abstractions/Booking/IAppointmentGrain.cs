namespace NmtPractice.Grains.Abstractions.Booking;

/// <summary>
/// One appointment's lifecycle after booking. Key: the appointment id. Each change takes an optional request id, the
/// idempotency key: a retry of the same request (same operation, parameters and caller) gets the first answer and
/// changes nothing; another request under the same id is refused (REQUEST_ID_REUSED). Without one, no idempotency.
/// </summary>
[Alias("nmt.IAppointmentGrain")]
public interface IAppointmentGrain : IGrainWithGuidKey
{
    [Alias("Get")] Task<AppointmentRecord?> Get();
    [Alias("Confirm")] Task<Result<AppointmentRecord>> Confirm(string? requestId = null);
    [Alias("Cancel")] Task<Result<AppointmentRecord>> Cancel(string reason, string? requestId = null);
    [Alias("CheckIn")] Task<Result<AppointmentRecord>> CheckIn(string? requestId = null);
    [Alias("Complete")] Task<Result<AppointmentRecord>> Complete(string? requestId = null);
    [Alias("MarkNoShow")] Task<Result<AppointmentRecord>> MarkNoShow(string? requestId = null);
    /// <summary>Atomic move: the old slot is freed only if the new one is taken.</summary>
    [Alias("Reschedule")] Task<Result<AppointmentRecord>> Reschedule(RescheduleRequest request);
}
