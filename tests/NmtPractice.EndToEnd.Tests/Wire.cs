using NmtPractice.Api.Grpc;
using DomainClient = NmtPractice.Domain.Clients.Client;
using DomainClinic = NmtPractice.Domain.Clinics.Clinic;
using DomainRoster = NmtPractice.Domain.Staff.Roster;
using DomainTherapist = NmtPractice.Domain.Staff.Therapist;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The create requests that carry a <see cref="NmtPractice.Testing.SampleChain"/>'s Domain objects over the wire, so the
/// end-to-end suite loads the same sample chain as the grain suite, only through gRPC. Fields the Domain object leaves
/// at their default (cancellation window, roster bounds, expiry dates) are left unset on the wire.
/// </summary>
public static class Wire
{
    public static CreateClinicRequest CreateClinic(DomainClinic c, string? requestId)
    {
        var request = new CreateClinicRequest
        {
            RequestId = requestId ?? "",
            ClinicId = c.Id,
            Name = c.Name,
            Address = c.Address,
            TimeZone = c.TimeZoneId,
        };
        if (c.CancellationWindow != DomainClinic.DefaultCancellationWindow)
        {
            request.CancellationWindowMinutes = WireFormat.WholeMinutes(c.CancellationWindow);
        }
        request.OpeningHours.AddRange(c.OpeningHours.Select(o => new V1.OpeningRange
        {
            Day = (V1.DayOfWeek)(int)o.Day,
            Start = WireFormat.FormatTime(o.Hours.Start),
            End = WireFormat.FormatEnd(o.Hours),
        }));
        request.Closures.AddRange(c.Closures.Select(x => new V1.Closure
        {
            FirstDate = WireFormat.FormatDate(x.Dates.From),
            LastDate = WireFormat.FormatDate(x.Dates.To),
            Reason = x.Reason,
        }));
        request.Rooms.AddRange(c.Rooms.Select(r => new V1.Room
        {
            RoomId = r.Id,
            Name = r.Name,
            Features = { r.Features },
            OutOfService =
            {
                r.OutOfService.Select(p => new V1.OutOfServicePeriod
                {
                    Start = WireFormat.ToTimestamp(p.Period.Start),
                    End = WireFormat.ToTimestamp(p.Period.End),
                    Reason = p.Reason,
                }),
            },
        }));
        request.Services.AddRange(c.Services.Select(s => new V1.Service
        {
            ServiceId = s.Id,
            Name = s.Name,
            DurationMinutes = WireFormat.WholeMinutes(s.Duration),
            TurnoverMinutes = WireFormat.WholeMinutes(s.Turnover),
            RequiredFeatures = { s.RequiredFeatures },
            RequiredQualification = s.RequiredQualification ?? "",
            PriceMinor = (long)decimal.Round(s.Price * 100m),
        }));
        return request;
    }

    /// <summary>The create request of <paramref name="t"/>; roster exceptions are added afterwards (AddRosterException), so there must be none.</summary>
    public static CreateTherapistRequest CreateTherapist(DomainTherapist t, string? requestId)
    {
        if (t.Exceptions.Count > 0)
        {
            throw new ArgumentException("CreateTherapist carries no roster exceptions; add them with AddRosterException.", nameof(t));
        }
        var request = new CreateTherapistRequest { RequestId = requestId ?? "", TherapistId = t.Id, Name = t.Name };
        request.Qualifications.AddRange(t.Qualifications.Select(q => new V1.Qualification { Code = q.Code, ExpiresOn = WireFormat.FormatDate(q.ExpiresOn) }));
        request.Rosters.AddRange(t.Rosters.Select(Roster));
        return request;
    }

    public static V1.Roster Roster(DomainRoster r)
    {
        var roster = new V1.Roster
        {
            ClinicId = r.ClinicId,
            CycleWeeks = r.CycleWeeks,
            AnchorDate = WireFormat.FormatDate(r.Anchor),
            ValidFrom = WireFormat.FormatDate(r.From),
            ValidUntil = WireFormat.FormatDate(r.Until),
        };
        roster.Shifts.AddRange(r.Shifts.Select(s => new RosterShift
        {
            Week = s.Week,
            Day = (V1.DayOfWeek)(int)s.Day,
            Start = WireFormat.FormatTime(s.Hours.Start),
            End = WireFormat.FormatEnd(s.Hours),
        }));
        return roster;
    }

    public static RegisterClientRequest RegisterClient(DomainClient c, string? requestId) => new()
    {
        RequestId = requestId ?? "",
        Client = new V1.Client
        {
            ClientId = c.Id,
            GivenName = c.GivenName,
            FamilyName = c.FamilyName,
            Phone = c.Phone ?? "",
            Email = c.Email ?? "",
            DateOfBirth = WireFormat.FormatDate(c.DateOfBirth),
        },
    };
}
