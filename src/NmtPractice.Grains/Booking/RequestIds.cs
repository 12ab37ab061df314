using System.Security.Cryptography;
using System.Text;

namespace NmtPractice.Grains.Booking;

/// <summary>
/// Request ids as idempotency keys for the appointment's own operations: the fingerprint that tells a retry (same
/// request) from a reuse (another request under the same id), and the refusal of a reuse.
/// </summary>
internal static class RequestIds
{
    public static Refusal Reused() => new(
        RefusalReason.RequestIdReused,
        "This request_id was already used for a different request (another operation, other parameters or another caller); use a new request_id.",
        "request_id");

    /// <summary>
    /// The request for the ledger, or null without a request id (no idempotency then). The fingerprint covers the
    /// operation, the appointment, every parameter and the caller, as <paramref name="parts"/> lists them.
    /// </summary>
    public static LedgerRequest? For(string? requestId, string operation, Guid appointmentId, params string?[] parts)
    {
        if (requestId is null)
        {
            return null;
        }
        var text = new StringBuilder()
            .Append(operation).Append('\u001f')
            .Append(appointmentId.ToString("D")).Append('\u001f')
            .Append(CallerContext.Current?.Subject ?? "").Append('\u001f');
        foreach (var part in parts)
        {
            // A null and an empty value differ ("keep the therapist" is not a therapist named "").
            text.Append(part is null ? "\u0000" : part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + part).Append('\u001f');
        }
        return new LedgerRequest(requestId, operation, SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Whether an earlier booking under the same request id was made for this request; what a retry must match.</summary>
    public static bool SameBooking(BookingRequest r, AppointmentRecord earlier) =>
        earlier.ClinicId == r.ClinicId
        && earlier.ServiceId == r.ServiceId
        && earlier.ClientId == r.ClientId
        && earlier.Start == r.Start
        && (r.TherapistId is null || earlier.TherapistId == r.TherapistId)
        && (r.RoomId is null || earlier.RoomId == r.RoomId)
        // A booking retried after its id made a hold that is still a hold; a hold may since have been confirmed.
        && !(r.HoldFor is null && earlier.Status == AppointmentStatus.Pending);
}
