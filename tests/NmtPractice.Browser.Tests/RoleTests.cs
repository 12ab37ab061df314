using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NmtPractice.Browser.Tests;

/// <summary>Each role sees only the links it may use, and the API refuses what a link would not offer.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RoleTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_front_desk_has_no_notes_link_cannot_open_notes_by_address_and_the_api_refuses_them()
    {
        var client = await fixture.Chain.RegisterClientAsync("Nora", "Notes" + FrontDeskTests.Suffix());
        var page = await fixture.NewPageAsync();
        await Pages.SignInAsync(page, fixture.Users.FrontDesk);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Front desk" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Client notes" })).ToHaveCountAsync(0);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Reports" })).ToHaveCountAsync(0);

        // Typing the address does not open the screen: the app goes back to the desk.
        await page.GotoAsync($"/#/notes/{client.ClientId}");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/desk$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Front desk" })).ToBeVisibleAsync();

        // Forced through the API with the desk's own token: PERMISSION_DENIED (HTTP 403), nothing returned.
        var (status, body) = await Pages.FetchAsync(page, "GET", $"/v1/clients/{client.ClientId}/notes");
        Assert.Equal(403, status);
        Assert.Equal((int)Grpc.Core.StatusCode.PermissionDenied, body.GetProperty("code").GetInt32());
        Assert.False(body.TryGetProperty("notes", out _));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Each_role_sees_only_its_links()
    {
        (TestUser User, string[] Links)[] cases =
        [
            (fixture.Users.Manager, ["Front desk", "Reports"]),
            (fixture.Users.Therapist, ["My week", "Client notes"]),
            (fixture.Users.Admin, ["Front desk", "Reports", "Staff users"]),
        ];
        foreach (var (user, links) in cases)
        {
            var page = await fixture.NewPageAsync();
            await Pages.SignInAsync(page, user);
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            await Expect(nav.GetByRole(AriaRole.Link)).ToHaveTextAsync(links);
            await page.Context.CloseAsync();
        }
    }
}
