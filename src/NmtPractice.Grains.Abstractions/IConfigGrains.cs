namespace NmtPractice.Grains;

/// <summary>The chain: its clinics and therapists, and the travel times between clinics. Key: <see cref="Keys.Chain"/>.</summary>
[Alias("nmt.IChainGrain")]
public interface IChainGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("GetTravel")] Task<TravelMatrix> GetTravel();
    [Alias("SetTravel")] Task<Result<TravelMatrix>> SetTravel(TravelMatrix travel);
    [ReadOnly, Alias("ListClinics")] Task<IReadOnlyList<string>> ListClinics();
    [ReadOnly, Alias("ListTherapists")] Task<IReadOnlyList<string>> ListTherapists();
    [Alias("RegisterClinic")] Task RegisterClinic(string clinicId);
    [Alias("RegisterTherapist")] Task RegisterTherapist(string therapistId);
}

/// <summary>A clinic with its rooms, services, opening hours and closures. Key: <see cref="Keys.Clinic"/>.</summary>
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

/// <summary>A therapist: qualifications, rosters per clinic and their exceptions. Key: <see cref="Keys.Therapist"/>.</summary>
[Alias("nmt.ITherapistGrain")]
public interface ITherapistGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<Result<Therapist>> Create(Therapist therapist);
    [ReadOnly, Alias("Get")] Task<Therapist?> Get();
    [Alias("Rename")] Task<Result<Therapist>> Rename(string name);
    [Alias("SetQualifications")] Task<Result<Therapist>> SetQualifications(IReadOnlyList<Qualification> qualifications);
    /// <summary>Replaces the therapist's rosters (every clinic). Clinics must exist.</summary>
    [Alias("SetRosters")] Task<Result<Therapist>> SetRosters(IReadOnlyList<Roster> rosters);
    [Alias("AddException")] Task<Result<Therapist>> AddException(RosterException exception);

    /// <summary>
    /// Replaces the rosters. Booked appointments from now on that the new rosters would leave outside rostered time are
    /// returned in <see cref="RosterChange.Stranded"/> when <paramref name="allowStranding"/>; otherwise the change is
    /// refused (<see cref="RefusalReason.WouldStrandBookings"/>, listing them) and nothing changes.
    /// <see cref="SetRosters(IReadOnlyList{Roster})"/> is this with <paramref name="allowStranding"/> false.
    /// </summary>
    [Alias("SetRostersChecked")] Task<Result<RosterChange>> SetRostersChecked(IReadOnlyList<Roster> rosters, bool allowStranding);

    /// <summary>Adds an exception, with the same stranded-booking check as <see cref="SetRostersChecked"/>.</summary>
    [Alias("AddExceptionChecked")] Task<Result<RosterChange>> AddExceptionChecked(RosterException exception, bool allowStranding);
    [Alias("RemoveException")] Task<Result<Therapist>> RemoveException(string exceptionId);
}

/// <summary>A client's identity and contact details. Key: <see cref="Keys.Client"/>.</summary>
[Alias("nmt.IClientGrain")]
public interface IClientGrain : IGrainWithStringKey
{
    [Alias("Register")] Task<Result<Client>> Register(Client client);
    [ReadOnly, Alias("Get")] Task<Client?> Get();
    [Alias("Update")] Task<Result<Client>> Update(Client client);
    /// <summary>
    /// Erasure: forgets the client's personal data and leaves a tombstone (Get returns null; Register and Update are
    /// refused as erased). False when no such client ever existed.
    /// </summary>
    [Alias("Erase")] Task<bool> Erase();
}
