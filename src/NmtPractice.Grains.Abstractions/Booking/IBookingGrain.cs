namespace NmtPractice.Grains.Abstractions.Booking;

/// <summary>
/// Books appointments and searches availability. Stateless: it coordinates the calendar grains and the ledger.
/// </summary>
[Alias("nmt.IBookingGrain")]
public interface IBookingGrain : IGrainWithIntegerKey
{
    [Alias("Book")] Task<Result<AppointmentRecord>> Book(BookingRequest request);
    [Alias("SearchAvailability")] Task<Result<IReadOnlyList<AvailableSlot>>> SearchAvailability(AvailabilityRequest request);
}
