namespace NmtPractice.EndToEnd.Tests;

/// <summary>The API's clients and the server's clock, wherever the server runs (in this process or in others).</summary>
public interface IApiEndpoint
{
    ClinicService.ClinicServiceClient Clinics { get; }

    StaffService.StaffServiceClient Staff { get; }

    ClientService.ClientServiceClient Clients { get; }

    BookingService.BookingServiceClient Bookings { get; }

    NodaTime.IClock Clock { get; }
}
