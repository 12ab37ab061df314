namespace NmtPractice.Domain.Appointments;

/// <summary>
/// Appointment status, using FHIR's Appointment.status vocabulary. The wire and the ledger use
/// the lower-case FHIR words (see <see cref="AppointmentStatusNames"/>).
/// </summary>
public enum AppointmentStatus
{
    /// <summary>A hold: tentative, expires by itself at its hold expiry unless confirmed.</summary>
    Pending = 1,
    Booked = 2,
    /// <summary>Checked in.</summary>
    Arrived = 3,
    Fulfilled = 4,
    Cancelled = 5,
    NoShow = 6,
}
