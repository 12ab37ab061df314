using NodaTime.Testing;
using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class AppointmentLifecycleTests
{
    private static readonly Instant Start = At(Monday, "10:00");
    private static readonly Duration Window = Duration.FromHours(24);

    private static AppointmentRecord Appointment(AppointmentStatus status, Instant? holdExpiresAt = null) =>
        new(Guid.NewGuid(), "req-1", "c1", "t1", "r1", "k1", "nmt-60", Start, Start + Duration.FromHours(1),
            Start + Duration.FromMinutes(75), status, holdExpiresAt, null, false, Now, Now, 1);

    private static void Allowed(Refusal? r) => Assert.Null(r);

    private static void Refused(RefusalReason reason, Refusal? r) => Assert.Equal(reason, r?.Reason);

    public static TheoryData<AppointmentStatus> NotPending => [AppointmentStatus.Booked, AppointmentStatus.Arrived, AppointmentStatus.Fulfilled, AppointmentStatus.Cancelled, AppointmentStatus.NoShow];

    [Fact]
    public void A_live_hold_can_be_confirmed()
    {
        var clock = new FakeClock(Now);
        var hold = Appointment(AppointmentStatus.Pending, Now + AppointmentLifecycle.DefaultHoldDuration);
        Allowed(AppointmentLifecycle.CheckConfirm(hold, clock.GetCurrentInstant()));
        clock.Advance(AppointmentLifecycle.DefaultHoldDuration - Duration.Epsilon);
        Allowed(AppointmentLifecycle.CheckConfirm(hold, clock.GetCurrentInstant()));
    }

    [Fact]
    public void Confirming_a_hold_at_or_after_its_expiry_is_refused_as_hold_expired()
    {
        var clock = new FakeClock(Now);
        var hold = Appointment(AppointmentStatus.Pending, Now + AppointmentLifecycle.DefaultHoldDuration);
        clock.Advance(AppointmentLifecycle.DefaultHoldDuration);
        Refused(RefusalReason.HoldExpired, AppointmentLifecycle.CheckConfirm(hold, clock.GetCurrentInstant()));
        Assert.False(hold.OccupiesAt(clock.GetCurrentInstant()));
        Assert.True(hold.OccupiesAt(Now));
    }

    [Theory]
    [MemberData(nameof(NotPending))]
    public void Only_a_hold_can_be_confirmed(AppointmentStatus status) =>
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckConfirm(Appointment(status), Now));

    [Fact]
    public void A_booked_appointment_and_a_live_hold_can_be_cancelled_or_rescheduled()
    {
        var booked = Appointment(AppointmentStatus.Booked);
        var hold = Appointment(AppointmentStatus.Pending, Now + Duration.FromMinutes(5));
        Allowed(AppointmentLifecycle.CheckCancel(booked, Now));
        Allowed(AppointmentLifecycle.CheckCancel(hold, Now));
        Allowed(AppointmentLifecycle.CheckReschedule(booked, Now));
        Allowed(AppointmentLifecycle.CheckReschedule(hold, Now));
    }

    [Fact]
    public void An_expired_hold_can_be_neither_cancelled_nor_rescheduled()
    {
        var hold = Appointment(AppointmentStatus.Pending, Now);
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckCancel(hold, Now));
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckReschedule(hold, Now));
    }

    [Theory]
    [InlineData(AppointmentStatus.Arrived)]
    [InlineData(AppointmentStatus.Fulfilled)]
    [InlineData(AppointmentStatus.Cancelled)]
    [InlineData(AppointmentStatus.NoShow)]
    public void Finished_or_arrived_appointments_can_be_neither_cancelled_nor_rescheduled(AppointmentStatus status)
    {
        var a = Appointment(status);
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckCancel(a, Now));
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckReschedule(a, Now));
        Assert.Contains(status.ToFhir(), AppointmentLifecycle.CheckCancel(a, Now)!.Message);
    }

    [Fact]
    public void Check_in_is_allowed_for_a_booked_appointment_until_it_ends()
    {
        var a = Appointment(AppointmentStatus.Booked);
        Allowed(AppointmentLifecycle.CheckCheckIn(a, Start - Duration.FromMinutes(30)));
        Allowed(AppointmentLifecycle.CheckCheckIn(a, a.End - Duration.Epsilon));
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckCheckIn(a, a.End));
    }

    [Theory]
    [InlineData(AppointmentStatus.Pending)]
    [InlineData(AppointmentStatus.Arrived)]
    [InlineData(AppointmentStatus.Fulfilled)]
    [InlineData(AppointmentStatus.Cancelled)]
    [InlineData(AppointmentStatus.NoShow)]
    public void Only_a_booked_appointment_can_be_checked_in(AppointmentStatus status) =>
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckCheckIn(Appointment(status, Now + Duration.FromHours(1)), Now));

    [Fact]
    public void Only_an_arrived_appointment_can_be_completed()
    {
        Allowed(AppointmentLifecycle.CheckComplete(Appointment(AppointmentStatus.Arrived)));
        foreach (var status in new[] { AppointmentStatus.Pending, AppointmentStatus.Booked, AppointmentStatus.Fulfilled, AppointmentStatus.Cancelled, AppointmentStatus.NoShow })
        {
            Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckComplete(Appointment(status)));
        }
    }

    [Fact]
    public void A_no_show_can_be_marked_from_the_start_but_not_before()
    {
        var a = Appointment(AppointmentStatus.Booked);
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckNoShow(a, Start - Duration.Epsilon));
        Allowed(AppointmentLifecycle.CheckNoShow(a, Start));
        Allowed(AppointmentLifecycle.CheckNoShow(a, a.End + Duration.FromHours(2)));
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckNoShow(Appointment(AppointmentStatus.Arrived), Start));
        Refused(RefusalReason.InvalidTransition, AppointmentLifecycle.CheckNoShow(Appointment(AppointmentStatus.Cancelled), Start));
    }

    [Fact]
    public void A_cancellation_inside_the_window_before_the_start_is_late()
    {
        var a = Appointment(AppointmentStatus.Booked);
        Assert.True(AppointmentLifecycle.IsLateCancellation(a, Window, Start - Duration.FromHours(23)));
        Assert.True(AppointmentLifecycle.IsLateCancellation(a, Window, Start - Window + Duration.Epsilon));
    }

    [Fact]
    public void A_cancellation_at_or_before_the_window_is_not_late()
    {
        var a = Appointment(AppointmentStatus.Booked);
        Assert.False(AppointmentLifecycle.IsLateCancellation(a, Window, Start - Window));
        Assert.False(AppointmentLifecycle.IsLateCancellation(a, Window, Start - Duration.FromDays(3)));
        Assert.False(AppointmentLifecycle.IsLateCancellation(a, Duration.Zero, Start - Duration.Epsilon));
    }

    [Fact]
    public void Only_pending_booked_and_arrived_occupy_time()
    {
        Assert.True(Appointment(AppointmentStatus.Booked).OccupiesAt(Now));
        Assert.True(Appointment(AppointmentStatus.Arrived).OccupiesAt(Now));
        Assert.True(Appointment(AppointmentStatus.Pending, null).OccupiesAt(Now));
        Assert.False(Appointment(AppointmentStatus.Cancelled).OccupiesAt(Now));
        Assert.False(Appointment(AppointmentStatus.NoShow).OccupiesAt(Now));
        Assert.False(Appointment(AppointmentStatus.Fulfilled).OccupiesAt(Now));
    }

    [Theory]
    [InlineData(AppointmentStatus.Pending, "pending")]
    [InlineData(AppointmentStatus.Booked, "booked")]
    [InlineData(AppointmentStatus.Arrived, "arrived")]
    [InlineData(AppointmentStatus.Fulfilled, "fulfilled")]
    [InlineData(AppointmentStatus.Cancelled, "cancelled")]
    [InlineData(AppointmentStatus.NoShow, "noshow")]
    public void Status_round_trips_through_its_fhir_word(AppointmentStatus status, string word)
    {
        Assert.Equal(word, status.ToFhir());
        Assert.Equal(status, AppointmentStatusNames.Parse(word));
    }

    [Fact]
    public void Unknown_status_words_are_refused()
    {
        Assert.False(AppointmentStatusNames.TryParse("Booked", out _));
        Assert.False(AppointmentStatusNames.TryParse(null, out _));
        Assert.Throws<FormatException>(() => AppointmentStatusNames.Parse("entered-in-error"));
    }
}
