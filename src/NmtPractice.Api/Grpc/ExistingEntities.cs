using DomainClient = NmtPractice.Domain.Clients.Client;
using DomainClinic = NmtPractice.Domain.Clinics.Clinic;
using DomainTherapist = NmtPractice.Domain.Staff.Therapist;

namespace NmtPractice.Api.Grpc;

/// <summary>A clinic, therapist or client a request names and that must exist: NOT_FOUND on its id's field otherwise.</summary>
public static class ExistingEntities
{
    public static async Task<DomainClinic> ExistingClinic(this IGrainFactory grains, string clinicId) =>
        await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).Get()
            ?? throw ApiErrors.NotFound("clinic_id", $"Clinic {clinicId} does not exist.");

    public static async Task<DomainTherapist> ExistingTherapist(this IGrainFactory grains, string therapistId) =>
        await grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId)).Get()
            ?? throw ApiErrors.NotFound("therapist_id", $"Therapist {therapistId} does not exist.");

    public static async Task<DomainClient> ExistingClient(this IGrainFactory grains, string clientId) =>
        await grains.GetGrain<IClientGrain>(GrainKeys.Client(clientId)).Get()
            ?? throw ApiErrors.NotFound("client_id", $"Client {clientId} does not exist.");
}
