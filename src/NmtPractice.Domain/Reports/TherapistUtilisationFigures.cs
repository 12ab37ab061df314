namespace NmtPractice.Domain.Reports;

/// <summary>Therapist utilisation at one clinic for one bucket. A report row, from here to the wire.</summary>
public sealed record TherapistUtilisationFigures(
    string TherapistId, string ClinicId, LocalDate BucketStart, long RosteredMinutes, long BookedMinutes, int Appointments)
{
    /// <summary>BookedMinutes / RosteredMinutes; 0 when not rostered.</summary>
    public double Utilisation => RosteredMinutes == 0 ? 0 : (double)BookedMinutes / RosteredMinutes;
}
