namespace NmtPractice.Domain;

/// <summary>Validation of configuration aggregates (clinic, room, service, therapist) before they are stored.</summary>
public static class ConfigValidation
{
    public static readonly Duration MaxServiceDuration = Duration.FromHours(8);
    public static readonly Duration MaxTurnover = Duration.FromHours(2);
    public static readonly Duration MaxCancellationWindow = Duration.FromDays(14);
    public static readonly Duration MaxTravel = Duration.FromHours(8);
    public const decimal MaxPrice = 100_000m;

    public static Refusal? Clinic(Clinic clinic)
    {
        var basic = Validation.First(
            Validation.Id("clinic_id", clinic.Id),
            Validation.RequiredText("name", clinic.Name),
            Validation.OptionalText("address", clinic.Address, Validation.MaxTextLength));
        if (basic is not null)
        {
            return basic;
        }
        if (!TimeZones.IsKnown(clinic.TimeZoneId))
        {
            return Refusal.Invalid("time_zone", $"'{clinic.TimeZoneId}' is not an IANA time zone (e.g. Europe/London).");
        }
        if (clinic.CancellationWindow < Duration.Zero || clinic.CancellationWindow > MaxCancellationWindow)
        {
            return Refusal.Invalid("cancellation_window", $"The cancellation window must be between 0 and {MaxCancellationWindow.TotalDays:0} days.");
        }
        return Validation.First(OpeningHours(clinic.OpeningHours), Closures(clinic.Closures))
            ?? clinic.Rooms.Select(Room).FirstOrDefault(r => r is not null)
            ?? clinic.Services.Select(Service).FirstOrDefault(r => r is not null)
            ?? Unique("room_id", clinic.Rooms.Select(r => r.Id))
            ?? Unique("service_id", clinic.Services.Select(s => s.Id));
    }

    public static Refusal? OpeningHours(IReadOnlyList<OpeningRange> hours)
    {
        if (hours.Count > 7 * 8)
        {
            return Refusal.Invalid("opening_hours", "At most 8 opening ranges a day.");
        }
        foreach (var range in hours)
        {
            if (!Enum.IsDefined(range.Day) || range.Day == IsoDayOfWeek.None)
            {
                return Refusal.Invalid("opening_hours.day", "The day of week is missing or invalid.");
            }
            if (!range.Hours.IsValid)
            {
                return Refusal.Invalid("opening_hours", $"Opening range {range.Hours} on {range.Day} ends before it starts.");
            }
        }
        return null;
    }

    public static Refusal? Closures(IReadOnlyList<Closure> closures)
    {
        foreach (var closure in closures)
        {
            if (!closure.Dates.IsValid)
            {
                return Refusal.Invalid("closures", $"Closure {closure.Dates.From:yyyy-MM-dd}..{closure.Dates.To:yyyy-MM-dd} ends before it starts.");
            }
            if (Period.Between(closure.Dates.From, closure.Dates.To, PeriodUnits.Days).Days > 366)
            {
                return Refusal.Invalid("closures", "A closure may last at most a year.");
            }
            if (Validation.OptionalText("closures.reason", closure.Reason, Validation.MaxNameLength) is { } bad)
            {
                return bad;
            }
        }
        return null;
    }

    public static Refusal? Room(Room room)
    {
        var basic = Validation.First(Validation.Id("room_id", room.Id), Validation.RequiredText("room.name", room.Name));
        if (basic is not null)
        {
            return basic;
        }
        if (room.Features.Count > 32 || room.Features.Any(f => Validation.Id("features", f) is not null))
        {
            return Refusal.Invalid("features", "Features are up to 32 tags of letters, digits, '-', '_' and '.'.");
        }
        return room.OutOfService.Any(p => p.Period.Duration <= Duration.Zero)
            ? Refusal.Invalid("out_of_service", "An out-of-service period must end after it starts.")
            : null;
    }

    public static Refusal? Service(Service service)
    {
        var basic = Validation.First(Validation.Id("service_id", service.Id), Validation.RequiredText("service.name", service.Name));
        if (basic is not null)
        {
            return basic;
        }
        if (service.Duration <= Duration.Zero || service.Duration > MaxServiceDuration || service.Duration.SubsecondNanoseconds != 0 || service.Duration.Seconds != 0)
        {
            return Refusal.Invalid("duration", $"A service lasts whole minutes, more than 0 and at most {MaxServiceDuration.TotalHours:0} hours.");
        }
        if (service.Turnover < Duration.Zero || service.Turnover > MaxTurnover || service.Turnover.SubsecondNanoseconds != 0 || service.Turnover.Seconds != 0)
        {
            return Refusal.Invalid("turnover", $"Turnover is whole minutes between 0 and {MaxTurnover.TotalHours:0} hours.");
        }
        if (service.Price < 0 || service.Price > MaxPrice)
        {
            return Refusal.Invalid("price", $"The price must be between 0 and {MaxPrice}.");
        }
        if (service.RequiredFeatures.Any(f => Validation.Id("required_features", f) is not null))
        {
            return Refusal.Invalid("required_features", "Required features are tags of letters, digits, '-', '_' and '.'.");
        }
        return service.RequiredQualification is { } q ? Validation.Id("required_qualification", q) : null;
    }

    public static Refusal? Therapist(Therapist therapist)
    {
        var basic = Validation.First(Validation.Id("therapist_id", therapist.Id), Validation.RequiredText("name", therapist.Name));
        if (basic is not null)
        {
            return basic;
        }
        if (therapist.Qualifications.Any(q => Validation.Id("qualifications", q.Code) is not null))
        {
            return Refusal.Invalid("qualifications", "Qualification codes are letters, digits, '-', '_' and '.'.");
        }
        foreach (var roster in therapist.Rosters)
        {
            if (Roster(roster) is { } bad)
            {
                return bad;
            }
        }
        foreach (var exception in therapist.Exceptions)
        {
            if (RosterException(exception) is { } bad)
            {
                return bad;
            }
        }
        return Unique("exception_id", therapist.Exceptions.Select(e => e.Id));
    }

    public static Refusal? Roster(Roster roster)
    {
        if (Validation.Id("roster.clinic_id", roster.ClinicId) is { } badClinic)
        {
            return badClinic;
        }
        if (roster.CycleWeeks < 1 || roster.CycleWeeks > Staff.Roster.MaxCycleWeeks)
        {
            return Refusal.Invalid("cycle_weeks", $"A roster repeats every 1 to {Staff.Roster.MaxCycleWeeks} weeks.");
        }
        if (roster.From is { } from && roster.Until is { } until && until < from)
        {
            return Refusal.Invalid("until", "The roster ends before it starts.");
        }
        foreach (var shift in roster.Shifts)
        {
            if (shift.Week < 0 || shift.Week >= roster.CycleWeeks)
            {
                return Refusal.Invalid("shifts.week", $"Shift week {shift.Week} is outside the {roster.CycleWeeks}-week cycle.");
            }
            if (shift.Day == IsoDayOfWeek.None || !Enum.IsDefined(shift.Day))
            {
                return Refusal.Invalid("shifts.day", "The day of week is missing or invalid.");
            }
            if (!shift.Hours.IsValid)
            {
                return Refusal.Invalid("shifts", $"Shift {shift.Hours} ends before it starts.");
            }
        }
        return null;
    }

    public static Refusal? RosterException(RosterException exception)
    {
        var basic = Validation.First(Validation.Id("exception_id", exception.Id), Validation.OptionalText("note", exception.Note, Validation.MaxNameLength));
        if (basic is not null)
        {
            return basic;
        }
        if (!Enum.IsDefined(exception.Kind))
        {
            return Refusal.Invalid("kind", "The exception kind is missing or invalid.");
        }
        if (exception.Period.Duration <= Duration.Zero)
        {
            return Refusal.Invalid("period", "The exception must end after it starts.");
        }
        if (exception.Period.Duration > Duration.FromDays(366))
        {
            return Refusal.Invalid("period", "An exception may last at most a year.");
        }
        if (exception.Kind == RosterExceptionKind.ExtraShift)
        {
            if (exception.ClinicId is null)
            {
                return Refusal.Invalid("clinic_id", "An extra shift names its clinic.");
            }
            if (exception.Period.Duration > Duration.FromHours(24))
            {
                return Refusal.Invalid("period", "An extra shift lasts at most 24 hours.");
            }
        }
        return null;
    }

    public static Refusal? Travel(TravelMatrix matrix)
    {
        if (matrix.Default < Duration.Zero || matrix.Default > MaxTravel)
        {
            return Refusal.Invalid("default_travel", $"Travel time is between 0 and {MaxTravel.TotalHours:0} hours.");
        }
        foreach (var pair in matrix.Pairs)
        {
            var bad = Validation.First(Validation.Id("clinic_a", pair.ClinicA), Validation.Id("clinic_b", pair.ClinicB));
            if (bad is not null)
            {
                return bad;
            }
            if (pair.Duration < Duration.Zero || pair.Duration > MaxTravel)
            {
                return Refusal.Invalid("travel", $"Travel time is between 0 and {MaxTravel.TotalHours:0} hours.");
            }
        }
        return null;
    }

    public static Refusal? Client(Clients.Client client)
    {
        var basic = Validation.First(
            Validation.Id("client_id", client.Id),
            Validation.RequiredText("given_name", client.GivenName),
            Validation.RequiredText("family_name", client.FamilyName),
            Validation.OptionalText("phone", client.Phone, 32),
            Validation.OptionalText("email", client.Email, 254));
        if (basic is not null)
        {
            return basic;
        }
        if (client.Phone is { Length: > 0 } phone && !phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')'))
        {
            return Refusal.Invalid("phone", "A phone number has digits, spaces and + - ( ) only.");
        }
        if (client.Email is { Length: > 0 } email && (email.Count(c => c == '@') != 1 || email.StartsWith('@') || email.EndsWith('@') || email.Any(char.IsWhiteSpace)))
        {
            return Refusal.Invalid("email", $"'{email}' is not an e-mail address.");
        }
        return null;
    }

    private static Refusal? Unique(string field, IEnumerable<string> ids)
    {
        var duplicate = ids.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : Refusal.Invalid(field, $"{field} '{duplicate.Key}' appears twice.");
    }
}
