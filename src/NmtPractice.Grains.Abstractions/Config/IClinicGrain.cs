namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>A clinic with its rooms, services, opening hours and closures. Key: <see cref="GrainKeys.Clinic"/>.</summary>
[Alias("nmt.IClinicGrain")]
public interface IClinicGrain : IGrainWithStringKey
{
    /// <summary>Creates the clinic; AlreadyExists if it exists. The id in the record must match the key.</summary>
    [Alias("Create")] Task<Result<Clinic>> Create(Clinic clinic);

    /// <summary>The clinic, or null when it was never created.</summary>
    [ReadOnly, Alias("Get")] Task<Clinic?> Get();

    /// <summary>Changes name, address and cancellation window. The time zone of a clinic cannot change once set.</summary>
    [Alias("UpdateDetails")] Task<Result<Clinic>> UpdateDetails(string name, string address, Duration cancellationWindow);
    [Alias("SetOpeningHours")] Task<Result<Clinic>> SetOpeningHours(IReadOnlyList<OpeningRange> hours);
    [Alias("AddClosure")] Task<Result<Clinic>> AddClosure(Closure closure);
    [Alias("RemoveClosure")] Task<Result<Clinic>> RemoveClosure(LocalDate from, LocalDate to);
    /// <summary>Adds the room, or replaces the room with the same id.</summary>
    [Alias("UpsertRoom")] Task<Result<Clinic>> UpsertRoom(Room room);
    [Alias("AddRoomOutOfService")] Task<Result<Clinic>> AddRoomOutOfService(string roomId, OutOfServicePeriod period);
    /// <summary>Adds the service, or replaces the service with the same id.</summary>
    [Alias("UpsertService")] Task<Result<Clinic>> UpsertService(Service service);

    /// <summary>Therapists with a roster at this clinic (kept up to date by the therapist grains).</summary>
    [ReadOnly, Alias("RosteredTherapists")] Task<IReadOnlyList<string>> RosteredTherapists();
    [Alias("SetRostered")] Task SetRostered(string therapistId, bool rostered);
}
