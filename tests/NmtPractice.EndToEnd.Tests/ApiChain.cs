using NmtPractice.Api.Grpc;
using NmtPractice.Domain.Time;
using NmtPractice.Testing;
using DomainClinic = NmtPractice.Domain.Clinics.Clinic;
using DomainService = NmtPractice.Domain.Clinics.Service;
using DomainTherapist = NmtPractice.Domain.Staff.Therapist;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Loads a <see cref="SampleChain"/> through the gRPC API: a clinic open round the clock, a therapist rostered round the
/// clock, and clients, with ids unique to one test.
/// </summary>
public sealed class ApiChain(IApiEndpoint api, string prefix)
{
    public const string Zone = SampleChain.London;
    public const string FollowUp = "nmt-follow-up";
    public const string Trigger = "trigger-point";

    /// <summary>45 min NMT follow-up, 15 min turnover, needs a hydraulic table and an nmt-certified therapist; 65.00.</summary>
    public static readonly DomainService FollowUpService =
        SampleChain.Service(FollowUp, "NMT follow-up", 45, 15, 65m, SampleChain.NmtCertified, SampleChain.HydraulicTable);

    public string ClinicId => $"{prefix}-clinic";

    public string TherapistId => $"{prefix}-therapist";

    public string Id(string name) => $"{prefix}-{name}";

    public static string NewRequestId() => Guid.NewGuid().ToString();

    /// <summary>
    /// A start just ahead of the clock (the quarter hour after next, at least 15 minutes away) such that
    /// <paramref name="span"/> from it stays on one local day: opening hours and rosters are per day, so even a clinic open
    /// round the clock takes no appointment across midnight. Near midnight the clock is first moved past it, so that a test
    /// run late in the evening (or after other tests moved the shared clock) does not fail for the time of day.
    /// </summary>
    public static Instant SoonOnOneDay(AdjustableClock clock, Duration span)
    {
        var zone = TimeZones.Get(Zone);
        while (true)
        {
            var now = clock.GetCurrentInstant();
            var soon = Instant.FromUnixTimeSeconds((now.ToUnixTimeSeconds() / 900 + 2) * 900);
            if (soon.InZone(zone).Date == (soon + span).InZone(zone).Date)
            {
                return soon;
            }
            clock.Advance(span);
        }
    }

    /// <summary>The clinic: open round the clock every day; r1 (hydraulic table, quiet), r2 (hydraulic table), r3 (nothing); the follow-up service.</summary>
    public DomainClinic Clinic => SampleChain.Clinic(
        ClinicId,
        name: $"Clinic {prefix}",
        zone: Zone,
        hours: SampleChain.Open(SampleChain.EveryDay, SampleChain.RoundTheClock),
        rooms: [SampleChain.Room("r1", "Room 1", SampleChain.HydraulicTable, SampleChain.Quiet), SampleChain.Room("r2", "Room 2", SampleChain.HydraulicTable), SampleChain.Room("r3", "Room 3")],
        services: [FollowUpService],
        address: "1 High Street, London");

    /// <summary>An nmt-certified therapist rostered round the clock every day at <see cref="ClinicId"/>.</summary>
    public DomainTherapist Therapist(string? id = null) =>
        SampleChain.RosteredEverywhere(id ?? TherapistId, "Therapist " + prefix, SampleChain.RoundTheClock, ClinicId);

    public Task<V1.Clinic> CreateClinicAsync() => api.Clinics.CreateClinicAsync(Wire.CreateClinic(Clinic, NewRequestId())).ResponseAsync;

    public Task<V1.Therapist> CreateTherapistAsync(string? id = null) =>
        api.Staff.CreateTherapistAsync(Wire.CreateTherapist(Therapist(id), NewRequestId())).ResponseAsync;

    public Task<V1.Client> RegisterClientAsync(string name) =>
        api.Clients.RegisterClientAsync(Wire.RegisterClient(SampleChain.Client(Id(name), name), NewRequestId())).ResponseAsync;

    /// <summary>A London-local date <paramref name="daysAhead"/> days from the fixture's clock.</summary>
    public LocalDate Date(int daysAhead) => api.Clock.GetCurrentInstant().InZone(TimeZones.Get(Zone)).Date.PlusDays(daysAhead);

    public static Timestamp At(LocalDate date, int hour, int minute = 0) =>
        WireFormat.ToTimestamp(date.At(new LocalTime(hour, minute)).InZoneLeniently(TimeZones.Get(Zone)).ToInstant());

    public static string Iso(LocalDate date) => WireFormat.FormatDate(date);
}
