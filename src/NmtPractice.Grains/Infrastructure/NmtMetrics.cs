using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>Our own meter and activity source, next to Orleans' <c>Microsoft.Orleans</c> meter.</summary>
public sealed class NmtMetrics : IDisposable
{
    public const string MeterName = "NmtPractice";
    public static readonly ActivitySource Activities = new(MeterName);

    private readonly Meter _meter;

    public NmtMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        Bookings = _meter.CreateCounter<long>("nmt.bookings", description: "Appointments written to the ledger (booked or held).");
        Refusals = _meter.CreateCounter<long>("nmt.booking.refusals", description: "Booking attempts refused, by reason.");
        HoldsExpired = _meter.CreateCounter<long>("nmt.holds.expired", description: "Holds cancelled because they expired.");
        BookingLatency = _meter.CreateHistogram<double>("nmt.booking.duration", unit: "ms", description: "Time to decide a booking attempt.");
    }

    public Counter<long> Bookings { get; }

    public Counter<long> Refusals { get; }

    public Counter<long> HoldsExpired { get; }

    public Histogram<double> BookingLatency { get; }

    public void Dispose() => _meter.Dispose();
}
