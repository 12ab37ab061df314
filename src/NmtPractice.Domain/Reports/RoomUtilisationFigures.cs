namespace NmtPractice.Domain.Reports;

/// <summary>
/// Room utilisation of one bucket: a room (<see cref="RoomId"/> set), a clinic total (<see cref="RoomId"/> null) or the
/// chain total (<see cref="ClinicId"/> and <see cref="RoomId"/> both null). A report row, from here to the wire.
/// </summary>
public sealed record RoomUtilisationFigures(
    string? ClinicId, string? RoomId, LocalDate BucketStart, long OpenMinutes, long TreatmentMinutes, long TurnoverMinutes, int Appointments)
{
    /// <summary>TreatmentMinutes / OpenMinutes; 0 when nothing was open.</summary>
    public double Utilisation => OpenMinutes == 0 ? 0 : (double)TreatmentMinutes / OpenMinutes;
}
