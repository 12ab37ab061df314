using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using NmtPractice.Api.V1;
using NmtPractice.Cli;
using NmtPractice.Cli.Output;
using NodaTime;
using Spectre.Console.Testing;

namespace NmtPractice.Cli.Tests;

public sealed class RenderingTests
{
    private static Timestamp Utc(int month, int day, int hour, int minute = 0) =>
        Timestamp.FromDateTime(new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Utc));

    private static Clinic Soho() => new()
    {
        ClinicId = "soho",
        Name = "Soho",
        TimeZone = "Europe/London",
        OpeningHours =
        {
            Enumerable.Range(1, 5).Select(d => new OpeningRange { Day = (Api.V1.DayOfWeek)d, Start = "09:00", End = "17:00" }),
        },
        Rooms =
        {
            new Room { RoomId = "r1", Name = "Room 1", Features = { "hydraulic-table" } },
            new Room { RoomId = "r2", Name = "Room 2" },
        },
        Services = { new Service { ServiceId = "nmt60", Name = "NMT 60", DurationMinutes = 60, TurnoverMinutes = 15, PriceMinor = 6500 } },
        Closures = { new Closure { FirstDate = "2026-12-25", LastDate = "2026-12-26", Reason = "Christmas" } },
    };

    private static Appointment Appt(string id, string room, int hour, AppointmentStatus status, string clinic = "soho") => new()
    {
        AppointmentId = id, ClinicId = clinic, RoomId = room, TherapistId = "anna", ClientId = "c1", ServiceId = "nmt60",
        Start = Utc(12, 1, hour), End = Utc(12, 1, hour + 1), RoomFreeAt = Utc(12, 1, hour + 1, 15), Status = status, RequestId = "rq-" + id,
    };

    private static TestConsole Console() => new TestConsole().Width(160);

    [Fact]
    public void Clinic_list_shows_ids_zones_and_folded_hours()
    {
        var console = Console();
        Tables.Clinics(console, [Soho()]);
        Assert.Contains("soho", console.Output, StringComparison.Ordinal);
        Assert.Contains("Europe/London", console.Output, StringComparison.Ordinal);
        Assert.Contains("mon-fri 09:00–17:00", console.Output, StringComparison.Ordinal);
        Assert.Contains("1 clinic(s)", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_text_is_not_read_as_markup()
    {
        var console = Console();
        var clinic = Soho();
        clinic.Name = "[red]Soho[/] & [bold";
        Tables.Clinics(console, [clinic]);
        Assert.Contains("[red]Soho[/] & [bold", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Appointment_times_are_on_each_clinics_wall_clock_with_the_zone_named()
    {
        var console = Console();
        var zones = new Dictionary<string, DateTimeZone> { ["soho"] = DateTimeZoneProviders.Tzdb["Europe/London"], ["nyc"] = DateTimeZoneProviders.Tzdb["America/New_York"] };
        Tables.Appointments(console, [Appt("a1", "r1", 10, AppointmentStatus.Booked), Appt("a2", "m1", 15, AppointmentStatus.Pending, "nyc")], id => zones[id], "anna");
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("a1", StringComparison.Ordinal) && l.Contains("10:00–11:00", StringComparison.Ordinal) && l.Contains("Europe/London", StringComparison.Ordinal) && l.Contains("booked", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a2", StringComparison.Ordinal) && l.Contains("10:00–11:00", StringComparison.Ordinal) && l.Contains("America/New_York", StringComparison.Ordinal) && l.Contains("pending", StringComparison.Ordinal));
        Assert.Contains("Tue 2026-12-01", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_appointment_shows_unambiguous_times()
    {
        var console = Console();
        Tables.Appointment(console, Appt("a1", "r1", 10, AppointmentStatus.Booked), DateTimeZoneProviders.Tzdb["Europe/London"]);
        Assert.Contains("2026-12-01 10:00 +00:00 Europe/London", console.Output, StringComparison.Ordinal);
        Assert.Contains("rq-a1", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Slots_table_names_the_zone_and_says_when_there_are_more()
    {
        var console = Console();
        var slot = new Slot { Start = Utc(7, 1, 9), End = Utc(7, 1, 10), TimeZone = "Europe/London", TherapistId = "anna", RoomId = "r1" };
        Tables.Slots(console, [slot], more: true);
        Assert.Contains("Wed 2026-07-01 10:00", console.Output, StringComparison.Ordinal);
        Assert.Contains("10:00–11:00", console.Output, StringComparison.Ordinal);
        Assert.Contains("times in Europe/London; more with --limit", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Utilisation_counts_live_treatment_minutes_against_opening_minutes()
    {
        var appointments = new[]
        {
            Appt("a1", "r1", 9, AppointmentStatus.Booked),
            Appt("a2", "r1", 11, AppointmentStatus.Fulfilled),
            Appt("a3", "r1", 13, AppointmentStatus.Cancelled),
            Appt("a4", "r2", 14, AppointmentStatus.NoShow),
            Appt("a5", "r9", 15, AppointmentStatus.Arrived),
        };
        var use = DayView.Utilisation(Soho(), new LocalDate(2026, 12, 1), appointments);
        Assert.Equal(["r1", "r2", "r9"], use.Select(u => u.RoomId));
        Assert.Equal([120, 0, 60], use.Select(u => u.BookedMinutes));
        Assert.All(use, u => Assert.Equal(480, u.OpenMinutes));
        Assert.Equal(0.25, use[0].Fraction);
    }

    [Fact]
    public void Closed_days_have_no_open_minutes()
    {
        Assert.Equal(0, DayView.OpenMinutes(Soho(), new LocalDate(2026, 12, 25)));
        Assert.Equal(0, DayView.OpenMinutes(Soho(), new LocalDate(2026, 12, 5)));
    }

    [Fact]
    public void Open_minutes_follow_the_clock_change()
    {
        var clinic = Soho();
        clinic.OpeningHours.Add(new OpeningRange { Day = Api.V1.DayOfWeek.Sunday, Start = "00:00", End = "24:00" });
        Assert.Equal(23 * 60, DayView.OpenMinutes(clinic, new LocalDate(2026, 3, 29)));
        Assert.Equal(25 * 60, DayView.OpenMinutes(clinic, new LocalDate(2026, 10, 25)));
    }

    [Fact]
    public void Day_view_groups_by_room_and_draws_bars()
    {
        var console = Console();
        DayView.Render(console, Soho(), new LocalDate(2026, 12, 1), [Appt("a1", "r1", 9, AppointmentStatus.Booked), Appt("a2", "r1", 11, AppointmentStatus.Booked)]);
        var output = console.Output;
        Assert.Contains("Soho (soho) · Tue 2026-12-01 · open 09:00–17:00 · times in Europe/London", output, StringComparison.Ordinal);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("Room 1 (r1)", StringComparison.Ordinal) && l.Contains("09:00–10:00", StringComparison.Ordinal) && l.Contains("a1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("hydraulic-table", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a2", StringComparison.Ordinal) && l.Contains("11:00–12:00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Room 2 (r2)", StringComparison.Ordinal) && l.Contains("no appointments", StringComparison.Ordinal));
        Assert.True(output.IndexOf("a1", StringComparison.Ordinal) < output.IndexOf("a2", StringComparison.Ordinal));
        Assert.Contains("██████░░░░░░░░░░░░░░░░░░", output, StringComparison.Ordinal);
        Assert.Contains("25%", output, StringComparison.Ordinal);
        Assert.Contains("120/480 min", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Cover_plan_lists_the_proposed_cover_and_the_clients_to_contact()
    {
        var console = Console();
        var plan = new CoverPlan
        {
            PlanId = "p1", TherapistId = "anna", Cause = "sickness: flu",
            Items =
            {
                new CoverItem
                {
                    AppointmentId = "a1", ClientId = "c1", ClientName = "Ada Lovelace", ServiceId = "nmt60", Start = Utc(12, 1, 9), End = Utc(12, 1, 10),
                    ClinicId = "soho", TherapistId = "anna", RoomId = "r1", Status = CoverItemStatus.Proposed,
                    NewClinicId = "soho", NewTherapistId = "ben", NewRoomId = "r1",
                },
                new CoverItem
                {
                    AppointmentId = "a2", ClientId = "c2", ClientName = "Grace Hopper", ClientPhone = "+44 20 7946 0000", ServiceId = "nmt60",
                    Start = Utc(12, 1, 11), End = Utc(12, 1, 12), ClinicId = "soho", TherapistId = "anna", RoomId = "r2",
                    Status = CoverItemStatus.Uncovered, Reason = "Nobody free", ReasonCode = "NO_COVER", ContactClient = true,
                },
            },
        };

        CoverView.Plan(console, plan, _ => DateTimeZone.Utc);

        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("09:00–10:00", StringComparison.Ordinal) && l.Contains("soho · ben · r1", StringComparison.Ordinal) && l.Contains("proposed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("contact: +44 20 7946 0000", StringComparison.Ordinal));
        Assert.Contains("1 proposed, 0 applied, 1 client(s) to contact", console.Output, StringComparison.Ordinal);
        Assert.Contains("nmt cover apply p1", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cover_plan_with_long_reasons_and_real_ids_still_prints_its_table()
    {
        var console = Console();
        var plan = new CoverPlan { PlanId = "p2", TherapistId = "amelia-hughes", Cause = "sickness: flu" };
        plan.Items.Add(new CoverItem
        {
            AppointmentId = "a4db1b44-a677-44cf-ae0e-51f7d9e3926d", ClientId = "client-0006", ClientName = "Marcus Johnson",
            ClientPhone = "+1 212 555 0106", ServiceId = "nmt-initial", Start = Utc(12, 1, 15), End = Utc(12, 1, 16),
            ClinicId = "london-soho", TherapistId = "amelia-hughes", RoomId = "soho-2", Status = CoverItemStatus.Uncovered, ContactClient = true,
            Reason = "No qualified therapist is rostered and free then with a room at clinic london-soho or within 45 min of it (no suitable room is free at clinic london-canary-wharf).",
        });

        CoverView.Plan(console, plan, _ => DateTimeZone.Utc);

        Assert.Contains("a4db1b44-a677-44cf-ae0e-51f7d9e3926d", console.Output, StringComparison.Ordinal);
        Assert.Contains("Marcus", console.Output, StringComparison.Ordinal);
        Assert.Contains("uncovered", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Therapist_week_shows_each_clinic_day_with_shifts_absences_and_appointments()
    {
        var console = Console();
        var week = new TherapistWeek
        {
            TherapistId = "anna", Name = "Anna", StartDate = "2026-12-01",
            Days =
            {
                new TherapistWeekDay
                {
                    Date = "2026-12-01",
                    Clinics =
                    {
                        new TherapistClinicDay
                        {
                            ClinicId = "soho", ClinicName = "Soho", TimeZone = "Europe/London",
                            Shifts = { new LocalInterval { LocalStart = "09:00", LocalEnd = "17:00" } },
                            Absent = { new LocalInterval { LocalStart = "13:00", LocalEnd = "17:00" } },
                            Appointments = { Appt("a1", "r1", 9, AppointmentStatus.Booked) },
                        },
                    },
                },
                new TherapistWeekDay { Date = "2026-12-02" },
            },
        };

        CoverView.Week(console, week);

        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("Tue 2026-12-01", StringComparison.Ordinal) && l.Contains("09:00–17:00", StringComparison.Ordinal)
            && l.Contains("13:00–17:00", StringComparison.Ordinal) && l.Contains("a1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Wed 2026-12-02", StringComparison.Ordinal) && l.Contains("off", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0, "░░░░░░░░░░")]
    [InlineData(0.25, "███░░░░░░░")]
    [InlineData(0.6, "██████░░░░")]
    [InlineData(1.0, "██████████")]
    [InlineData(1.7, "██████████")]
    [InlineData(-1.0, "░░░░░░░░░░")]
    public void Bar(double fraction, string bar) => Assert.Equal(bar, Summaries.Bar(fraction, 10));

    [Fact]
    public void Weekly_ranges_fold_consecutive_days()
    {
        Assert.Equal("mon-wed,fri 09:00–17:00, sat 10:00–14:00", Summaries.Opening(
        [
            new OpeningRange { Day = Api.V1.DayOfWeek.Saturday, Start = "10:00", End = "14:00" },
            .. new[] { 1, 2, 3, 5 }.Select(d => new OpeningRange { Day = (Api.V1.DayOfWeek)d, Start = "09:00", End = "17:00" }),
        ]));
        Assert.Equal("closed", Summaries.Opening([]));
        Assert.Equal("w0 mon 09:00–13:00, w1 tue 09:00–13:00", Summaries.Shifts(
        [
            new RosterShift { Week = 1, Day = Api.V1.DayOfWeek.Tuesday, Start = "09:00", End = "13:00" },
            new RosterShift { Week = 0, Day = Api.V1.DayOfWeek.Monday, Start = "09:00", End = "13:00" },
        ]));
    }

    [Fact]
    public void Json_output_is_protobuf_json_with_every_field()
    {
        using var output = new StringWriter();
        using var context = new CliContext(new Uri("http://127.0.0.1:5080"), json: true, TimeSpan.FromSeconds(1), output, Console());
        context.Print(Appt("a1", "r1", 10, AppointmentStatus.Booked), _ => throw new InvalidOperationException("no table in JSON mode"));
        using var doc = JsonDocument.Parse(output.ToString());
        var root = doc.RootElement;
        Assert.Equal("a1", root.GetProperty("appointmentId").GetString());
        Assert.Equal("2026-12-01T10:00:00Z", root.GetProperty("start").GetString());
        Assert.Equal("BOOKED", root.GetProperty("status").GetString());
        Assert.Equal("", root.GetProperty("cancelReason").GetString());
        Assert.False(root.GetProperty("cancelledLate").GetBoolean());
        Assert.Equal(0, root.GetProperty("version").GetInt32());
    }

    [Fact]
    public void Table_mode_writes_no_json()
    {
        using var output = new StringWriter();
        var console = Console();
        using var context = new CliContext(new Uri("http://127.0.0.1:5080"), json: false, TimeSpan.FromSeconds(1), output, console);
        context.Print(new Clinic { ClinicId = "soho" }, c => Tables.Clinics(c, [Soho()]));
        Assert.Equal("", output.ToString());
        Assert.Contains("soho", console.Output, StringComparison.Ordinal);
    }
}
