namespace NmtPractice.Domain.Scheduling;

/// <summary>An appointment as its therapist's calendar sees it: where, and the treatment [Start, End).</summary>
public readonly record struct TherapistBooking(Guid AppointmentId, string ClinicId, Interval Treatment);
