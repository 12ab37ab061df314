namespace NmtPractice.Cli.Output;

/// <summary>Short text for repeated structures: weekly ranges ("mon-fri 09:00–17:00"), statuses, prices.</summary>
public static class Summaries
{
    private static readonly string[] DayNames = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>
    /// Day/time ranges with the same times on consecutive days folded together: "mon-fri 09:00–17:00, sat 10:00–14:00".
    /// A rotating roster's weeks are prefixed ("w1 mon 09:00–13:00").
    /// </summary>
    public static string Weekly(IEnumerable<(int Week, Api.V1.DayOfWeek Day, string Start, string End)> ranges, bool showWeeks = false)
    {
        ranges = [.. ranges];
        var parts = new List<string>();
        foreach (var group in ranges.GroupBy(r => (r.Week, r.Start, r.End)).OrderBy(g => g.Key.Week).ThenBy(g => g.Min(r => r.Day)).ThenBy(g => g.Key.Start, StringComparer.Ordinal))
        {
            var days = group.Select(r => (int)r.Day).Distinct().Order().ToList();
            var runs = new List<string>();
            for (var i = 0; i < days.Count;)
            {
                var j = i;
                while (j + 1 < days.Count && days[j + 1] == days[j] + 1)
                {
                    j++;
                }
                runs.Add(j == i ? DayNames[days[i]] : $"{DayNames[days[i]]}-{DayNames[days[j]]}");
                i = j + 1;
            }
            var week = showWeeks || ranges.Any(r => r.Week > 0) ? $"w{group.Key.Week} " : "";
            parts.Add($"{week}{string.Join(",", runs)} {group.Key.Start}–{group.Key.End}");
        }
        return parts.Count == 0 ? "closed" : string.Join(", ", parts);
    }

    public static string Opening(IEnumerable<OpeningRange> hours) => Weekly(hours.Select(h => (0, h.Day, h.Start, h.End)));

    /// <summary>A roster's shifts; weeks are numbered whenever the cycle is longer than one week.</summary>
    public static string Shifts(IEnumerable<RosterShift> shifts, int cycleWeeks = 1) =>
        Weekly(shifts.Select(s => (s.Week, s.Day, s.Start, s.End)), cycleWeeks > 1);

    /// <summary>FHIR's status words: pending, booked, arrived, fulfilled, cancelled, noshow.</summary>
    public static string Status(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Pending => "pending",
        AppointmentStatus.Booked => "booked",
        AppointmentStatus.Arrived => "arrived",
        AppointmentStatus.Fulfilled => "fulfilled",
        AppointmentStatus.Cancelled => "cancelled",
        AppointmentStatus.NoShow => "noshow",
        _ => "unspecified",
    };

    public static string StatusMarkup(Appointment a)
    {
        var word = Status(a.Status) + (a.Status == AppointmentStatus.Cancelled && a.CancelledLate ? " (late)" : "");
        var colour = a.Status switch
        {
            AppointmentStatus.Pending => "yellow",
            AppointmentStatus.Booked => "green",
            AppointmentStatus.Arrived => "blue",
            AppointmentStatus.Fulfilled => "grey",
            _ => "red",
        };
        return $"[{colour}]{Markup.Escape(word)}[/]";
    }

    /// <summary>Whether the appointment occupies its therapist, room and client (held, booked, or checked in) or did (fulfilled).</summary>
    public static bool Occupies(AppointmentStatus status) =>
        status is AppointmentStatus.Pending or AppointmentStatus.Booked or AppointmentStatus.Arrived or AppointmentStatus.Fulfilled;

    /// <summary>Minor units as a decimal amount: 6500 → "65.00".</summary>
    public static string Price(long minor) => (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A fixed-width bar: "██████░░░░" for 0.6 at width 10. Fractions are clamped to [0, 1].</summary>
    public static string Bar(double fraction, int width)
    {
        var f = double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1);
        var filled = (int)Math.Round(f * width, MidpointRounding.AwayFromZero);
        return new string('█', filled) + new string('░', width - filled);
    }

    public static string Percent(double fraction) =>
        (double.IsNaN(fraction) ? 0 : fraction).ToString("0%", CultureInfo.InvariantCulture);
}
