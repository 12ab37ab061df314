using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Playwright;
using NmtPractice.Api.V1;
using static Microsoft.Playwright.Assertions;

namespace NmtPractice.Browser.Tests;

/// <summary>The front desk's day in the browser: book, see it in the grid, reschedule by the dialog, cancel late; two desks racing for one slot.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FrontDeskTests(BrowserFixture fixture)
{
    private BookingService.BookingServiceClient Bookings => new(fixture.Admin);

    [Fact]
    public async Task A_front_desk_books_a_client_sees_it_in_the_grid_reschedules_it_by_the_dialog_and_cancels_it_late_with_a_warning()
    {
        var date = TestChain.Date(1);
        var client = await fixture.Chain.RegisterClientAsync("Grace", "Desk" + Suffix());
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, fixture.Users.FrontDesk);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Front desk" })).ToBeVisibleAsync();
        await Pages.SetDateAsync(page.GetByLabel("Date", new() { Exact = true }), TestChain.Iso(date));
        await Expect(page.Locator("#grid-title")).ToContainTextAsync(TestChain.Iso(date));
        await Expect(page.Locator("#grid-title")).ToContainTextAsync(TestChain.Zone);
        await Expect(page.Locator(".clinic-clock")).ToContainTextAsync(TestChain.Zone);

        // Book: find the client, pick 10:00 with any therapist, hold, confirm.
        await page.GetByRole(AriaRole.Button, new() { Name = "Book…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Book an appointment" });
        await dialog.GetByLabel("Find by name, phone or email").FillAsync(client.FamilyName);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Find client" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = $"Grace {client.FamilyName}" }).ClickAsync();
        await Expect(dialog.Locator(".chosen")).ToContainTextAsync(client.ClientId);
        await Pages.SetDateAsync(dialog.GetByLabel("Date", new() { Exact = true }), TestChain.Iso(date));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Find free slots" }).ClickAsync();
        await Expect(dialog.Locator("button.slot").First).ToBeVisibleAsync();
        await Pages.AssertAccessibleAsync(page, "the booking dialog");
        await fixture.ScreenshotAsync(page, "booking-dialog");
        await dialog.Locator("button.slot", new() { HasTextRegex = new Regex("^10:00 ") }).First.ClickAsync();
        await Expect(dialog.Locator(".held")).ToContainTextAsync("Held");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // The grid shows it, in its room, on the clinic's clock.
        var booked = page.Locator("button.appt", new() { HasTextString = client.FamilyName });
        await Expect(booked).ToContainTextAsync("10:00–11:00");
        await Expect(booked).ToHaveAttributeAsync("data-status", "BOOKED");
        var appointmentId = await booked.GetAttributeAsync("data-appointment-id");
        Assert.False(string.IsNullOrEmpty(appointmentId));
        await Pages.AssertAccessibleAsync(page, "the day grid");
        await fixture.ScreenshotAsync(page, "day-grid");

        // Reschedule by the dialog to 14:00 the same day.
        await booked.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reschedule…" }).ClickAsync();
        var move = page.GetByRole(AriaRole.Dialog, new() { Name = "Reschedule appointment" });
        await move.GetByRole(AriaRole.Button, new() { Name = "Find free slots" }).ClickAsync();
        await move.Locator("button.slot", new() { HasTextRegex = new Regex("^14:00 ") }).First.ClickAsync();
        await Expect(move).ToBeHiddenAsync();
        await Expect(booked).ToContainTextAsync("14:00–15:00");
        var moved = await Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = appointmentId });
        Assert.Equal(TestChain.At(date, 14), moved.Start);
        Assert.Equal(AppointmentStatus.Booked, moved.Status);

        // Cancel: inside the clinic's window, so the dialog warns before, and the appointment says so after.
        await booked.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel…" }).ClickAsync();
        var cancel = page.GetByRole(AriaRole.Dialog, new() { Name = "Cancel appointment" });
        await Expect(cancel.Locator(".late-warning")).ToContainTextAsync("Late cancellation");
        await fixture.ScreenshotAsync(page, "cancel-late-warning");
        await cancel.GetByLabel("Reason").FillAsync("client unwell");
        await cancel.GetByRole(AriaRole.Button, new() { Name = "Cancel appointment" }).ClickAsync();
        await Expect(cancel).ToBeHiddenAsync();
        await Expect(page.Locator(".appt-status")).ToContainTextAsync("late cancellation");
        var cancelled = await Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = appointmentId });
        Assert.Equal(AppointmentStatus.Cancelled, cancelled.Status);
        Assert.True(cancelled.CancelledLate);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Two_desks_take_the_same_slot_one_books_it_and_the_other_sees_the_refusal_and_takes_an_alternative_in_one_click()
    {
        var date = TestChain.Date(2);
        var first = await fixture.Chain.RegisterClientAsync("Amir", "First" + Suffix());
        var second = await fixture.Chain.RegisterClientAsync("Bea", "Second" + Suffix());
        var deskA = await fixture.NewPageAsync();
        var deskB = await fixture.NewPageAsync();
        await Task.WhenAll(Pages.SignInAsync(deskA, fixture.Users.FrontDesk), Pages.SignInAsync(deskB, fixture.Users.FrontDesk2));

        var dialogA = await OpenSlotsAsync(deskA, first, date);
        var dialogB = await OpenSlotsAsync(deskB, second, date);
        var elevenA = dialogA.Locator("button.slot", new() { HasTextRegex = new Regex("^11:00 .*Ana Silva") });
        var elevenB = dialogB.Locator("button.slot", new() { HasTextRegex = new Regex("^11:00 .*Ana Silva") });
        await Expect(elevenA).ToHaveCountAsync(1);
        await Expect(elevenB).ToHaveCountAsync(1);

        await elevenA.ClickAsync();
        await dialogA.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(dialogA).ToBeHiddenAsync();

        // B still shows the slot it listed before A took it: the API refuses, with the reason and the nearest free slots.
        await elevenB.ClickAsync();
        var refusal = dialogB.Locator(".error");
        await Expect(refusal).ToContainTextAsync("THERAPIST_BUSY");
        var alternatives = refusal.Locator(".alternatives button.slot");
        Assert.True(await alternatives.CountAsync() > 0, "the refusal lists alternative slots");
        await refusal.ScrollIntoViewIfNeededAsync();
        await fixture.ScreenshotAsync(deskB, "refusal-with-alternatives");
        var alternative = alternatives.First;
        var alternativeStart = await alternative.GetAttributeAsync("data-start");
        await alternative.ClickAsync();
        await dialogB.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(dialogB).ToBeHiddenAsync();

        var day = await Bookings.ListClinicDayAsync(new ListClinicDayRequest { ClinicId = TestChain.ClinicId, Date = TestChain.Iso(date) });
        var a = Assert.Single(day.Appointments, x => x.ClientId == first.ClientId);
        var b = Assert.Single(day.Appointments, x => x.ClientId == second.ClientId);
        Assert.Equal(TestChain.At(date, 11), a.Start);
        Assert.Equal(AppointmentStatus.Booked, a.Status);
        Assert.Equal(AppointmentStatus.Booked, b.Status);
        Assert.NotEqual(a.Start, b.Start);
        Assert.Equal(DateTimeOffset.Parse(alternativeStart!, System.Globalization.CultureInfo.InvariantCulture), b.Start.ToDateTimeOffset());
        await deskA.Context.CloseAsync();
        await deskB.Context.CloseAsync();
    }

    [Fact]
    public async Task The_day_grid_reads_at_tablet_width_without_the_page_scrolling_sideways()
    {
        var page = await fixture.NewPageAsync(820, 1180);
        await Pages.SignInAsync(page, fixture.Users.FrontDesk);
        await Pages.SetDateAsync(page.GetByLabel("Date", new() { Exact = true }), TestChain.Iso(TestChain.Date(1)));
        await Expect(page.Locator(".room")).ToHaveCountAsync(3);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than a tablet's viewport");
        await fixture.ScreenshotAsync(page, "day-grid-tablet");
        await page.Context.CloseAsync();
    }

    private static async Task<ILocator> OpenSlotsAsync(IPage page, Client client, NodaTime.LocalDate date)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Book…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Book an appointment" });
        await dialog.GetByLabel("Find by name, phone or email").FillAsync(client.FamilyName);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Find client" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = $"{client.GivenName} {client.FamilyName}" }).ClickAsync();
        await dialog.GetByLabel("Therapist").SelectOptionAsync(new SelectOptionValue { Label = "Ana Silva" });
        await Pages.SetDateAsync(dialog.GetByLabel("Date", new() { Exact = true }), TestChain.Iso(date));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Find free slots" }).ClickAsync();
        await Expect(dialog.Locator("button.slot").First).ToBeVisibleAsync();
        return dialog;
    }

    internal static string Suffix() => Guid.NewGuid().ToString("N")[..6];
}
