using System.Globalization;
using Microsoft.Playwright;
using NmtPractice.Api.V1;
using static Microsoft.Playwright.Assertions;

namespace NmtPractice.Browser.Tests;

/// <summary>A manager's reports in the browser: utilisation tables and charts, the heatmap, and a CSV whose numbers are the API's.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ManagerReportTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_manager_opens_utilisation_and_the_heatmap_and_downloads_a_csv_whose_numbers_equal_the_api()
    {
        // Some usage in the period, whatever the other tests booked: three sessions on one day.
        var busyDay = TestChain.Date(5);
        for (var i = 0; i < 3; i++)
        {
            var client = await fixture.Chain.RegisterClientAsync("Report", "Client" + FrontDeskTests.Suffix());
            await fixture.Chain.BookAsync(client.ClientId, busyDay, 9 + 2 * i);
        }
        var from = TestChain.Iso(TestChain.Date(0));
        var to = TestChain.Iso(TestChain.Date(6));

        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, fixture.Users.Manager);
        await page.GetByRole(AriaRole.Link, new() { Name = "Reports" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reports", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("table[data-report='room-utilisation']")).ToBeVisibleAsync();
        await Pages.SetDateAsync(page.GetByLabel("From"), from);
        await Pages.SetDateAsync(page.GetByLabel("To", new() { Exact = true }), to);
        await page.GetByLabel("Group by").SelectOptionAsync("DAY");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        var api = await new ReportService.ReportServiceClient(fixture.Admin).GetRoomUtilisationAsync(new GetRoomUtilisationRequest
        {
            ClinicIds = { TestChain.ClinicId }, FromDate = from, ToDate = to, Bucket = ReportBucket.Day,
        });
        Assert.Contains(api.Rooms, r => r.TreatmentMinutes > 0);

        // The page's table holds the API's figures, row by row (once it shows the period asked for).
        await Expect(page.Locator("section[data-period]")).ToHaveAttributeAsync("data-period", $"{from}/{to}/DAY");
        var table = page.Locator("table[data-report='room-utilisation']");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(api.Rooms.Count);
        foreach (var row in api.Rooms.Where(r => r.TreatmentMinutes > 0))
        {
            var cells = table.Locator($"tbody tr[data-room-id='{row.RoomId}'][data-bucket-start='{row.BucketStart}'] td");
            await Expect(cells.Nth(5)).ToHaveTextAsync(row.TreatmentMinutes.ToString("N0", CultureInfo.InvariantCulture));
            await Expect(cells.Nth(7)).ToHaveTextAsync(row.Appointments.ToString(CultureInfo.InvariantCulture));
        }
        await Expect(page.Locator("svg.bars").First).ToBeVisibleAsync();
        await Expect(page.Locator("svg.heatmap rect")).ToHaveCountAsync(168);
        await Pages.AssertAccessibleAsync(page, "the reports page");
        await fixture.ScreenshotAsync(page, "utilisation");
        await page.Locator("svg.heatmap").ScrollIntoViewIfNeededAsync();
        await fixture.ScreenshotAsync(page, "heatmap");

        // The CSV download: every room row of the API is a line with the same numbers.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        var path = Path.Combine(fixture.ScreenshotDirectory, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var lines = (await File.ReadAllTextAsync(path)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("level,clinic_id,room_id,bucket_start,bucket_end,open_minutes,treatment_minutes,turnover_minutes,appointments,utilisation", lines[0]);
        var csvRooms = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "room")
            .ToDictionary(f => (f[2], f[3]));
        Assert.Equal(api.Rooms.Count, csvRooms.Count);
        foreach (var row in api.Rooms)
        {
            var f = csvRooms[(row.RoomId, row.BucketStart)];
            Assert.Equal(row.ClinicId, f[1]);
            Assert.Equal(row.BucketEnd, f[4]);
            Assert.Equal(row.OpenMinutes, long.Parse(f[5], CultureInfo.InvariantCulture));
            Assert.Equal(row.TreatmentMinutes, long.Parse(f[6], CultureInfo.InvariantCulture));
            Assert.Equal(row.TurnoverMinutes, long.Parse(f[7], CultureInfo.InvariantCulture));
            Assert.Equal(row.Appointments, int.Parse(f[8], CultureInfo.InvariantCulture));
            Assert.Equal(Math.Round(row.Utilisation, 4), double.Parse(f[9], CultureInfo.InvariantCulture), 4);
        }
        await page.Context.CloseAsync();
    }
}
