namespace NmtPractice.Domain.Appointments;

public static class AppointmentStatusNames
{
    public static string ToFhir(this AppointmentStatus status) => status switch
    {
        AppointmentStatus.Pending => "pending",
        AppointmentStatus.Booked => "booked",
        AppointmentStatus.Arrived => "arrived",
        AppointmentStatus.Fulfilled => "fulfilled",
        AppointmentStatus.Cancelled => "cancelled",
        AppointmentStatus.NoShow => "noshow",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown appointment status."),
    };

    public static bool TryParse(string? text, out AppointmentStatus status)
    {
        status = text switch
        {
            "pending" => AppointmentStatus.Pending,
            "booked" => AppointmentStatus.Booked,
            "arrived" => AppointmentStatus.Arrived,
            "fulfilled" => AppointmentStatus.Fulfilled,
            "cancelled" => AppointmentStatus.Cancelled,
            "noshow" => AppointmentStatus.NoShow,
            _ => 0,
        };
        return status != 0;
    }

    public static AppointmentStatus Parse(string text) =>
        TryParse(text, out var status) ? status : throw new FormatException($"Unknown appointment status '{text}'.");

    /// <summary>Active appointments occupy their therapist, room and client; the ledger's exclusion constraints cover exactly these.</summary>
    public static bool IsActive(this AppointmentStatus status) =>
        status is AppointmentStatus.Pending or AppointmentStatus.Booked or AppointmentStatus.Arrived;
}
