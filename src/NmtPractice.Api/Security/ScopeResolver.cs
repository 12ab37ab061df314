using NmtPractice.Domain.Appointments;

namespace NmtPractice.Api.Security;

/// <summary>
/// The facts a scope check needs that the request does not carry: an appointment's clinic and therapist, the clinics a
/// therapist is rostered at, whether a client is a therapist's client. Read through the grains (listings through the
/// appointment query grain).
/// </summary>
public sealed class ScopeResolver(IGrainFactory grains)
{
    /// <summary>The appointment, or null when the id is not an appointment id or names none (the service then says so).</summary>
    public async Task<AppointmentRecord?> AppointmentAsync(string appointmentId)
    {
        if (string.IsNullOrEmpty(appointmentId) || appointmentId.Length > 64 || !Guid.TryParse(appointmentId, out var id))
        {
            return null;
        }
        return await grains.GetGrain<IAppointmentGrain>(id).Get();
    }

    /// <summary>The clinics the therapist has a roster at, or null when the id is malformed or names no therapist.</summary>
    public async Task<IReadOnlyList<string>?> TherapistClinicsAsync(string therapistId)
    {
        if (Validation.Id("therapist_id", therapistId) is not null)
        {
            return null;
        }
        var therapist = await grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId)).Get();
        return therapist?.Rosters.Select(r => r.ClinicId).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when the client has an appointment with the therapist that was not cancelled (any time, any clinic).</summary>
    public async Task<bool> IsClientOfAsync(string clientId, string therapistId, CancellationToken ct)
    {
        if (Validation.Id("client_id", clientId) is not null)
        {
            return false;
        }
        var appointments = await AllOfClientAsync(clientId, ct);
        return appointments.Any(a => a.TherapistId == therapistId && a.Status != NmtPractice.Domain.Appointments.AppointmentStatus.Cancelled);
    }

    /// <summary>True when the client has an appointment (any status) at one of the caller's clinics.</summary>
    public async Task<bool> VisitedAnyOfAsync(string clientId, Caller caller, CancellationToken ct)
    {
        if (Validation.Id("client_id", clientId) is not null)
        {
            return false;
        }
        var appointments = await AllOfClientAsync(clientId, ct);
        return appointments.Any(a => caller.CanSeeClinic(a.ClinicId));
    }

    private Task<IReadOnlyList<AppointmentRecord>> AllOfClientAsync(string clientId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return grains.GetGrain<IAppointmentQueryGrain>(0).ForClient(clientId, Grpc.WireFormat.EarliestInstant, Grpc.WireFormat.LatestInstant);
    }

    /// <summary>The therapist a stored cover plan is about, or null when the id is malformed or names no plan.</summary>
    public async Task<string?> CoverPlanTherapistAsync(string planId)
    {
        if (!Guid.TryParse(planId, out var id))
        {
            return null;
        }
        var plan = await grains.GetGrain<ICoverPlanGrain>(id).Get();
        return plan?.TherapistId;
    }
}
