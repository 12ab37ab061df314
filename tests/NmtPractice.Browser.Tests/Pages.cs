using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NmtPractice.Browser.Tests;

/// <summary>A staff user the tests sign in as.</summary>
public sealed record TestUser(string Email, string Password, string Role, string DisplayName, IReadOnlyList<string> ClinicIds, string? TherapistId = null);

/// <summary>What the tests do in a page: sign in through the form, open a screen, check accessibility.</summary>
public static class Pages
{
    static Pages()
    {
        // Bounded waits for assertions, generous for two shared cores (see BrowserFixture.NewPageAsync).
        SetDefaultExpectTimeout(20_000);
    }

    /// <summary>Signs in through the login form with the keyboard only, and waits for the role's first screen.</summary>
    public static async Task SignInAsync(IPage page, TestUser user)
    {
        await page.GotoAsync("/#/login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Email").PressAsync("Tab");
        await page.Keyboard.TypeAsync(user.Password);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#who")).ToContainTextAsync(user.DisplayName);
    }

    /// <summary>The access token the page holds (to call the API from the page as the signed-in user).</summary>
    public static async Task<string> AccessTokenAsync(IPage page) =>
        await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('nmt.session')).accessToken");

    /// <summary>A fetch from the page with its own token: the HTTP status and the body.</summary>
    public static async Task<(int Status, JsonElement Body)> FetchAsync(IPage page, string method, string path)
    {
        var result = await page.EvaluateAsync<JsonElement>(
            """
            async ([method, path]) => {
              const token = JSON.parse(sessionStorage.getItem('nmt.session')).accessToken;
              const response = await fetch(path, { method, headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' } });
              const text = await response.text();
              return { status: response.status, text };
            }
            """, new[] { method, path });
        var text = result.GetProperty("text").GetString() ?? "";
        return (result.GetProperty("status").GetInt32(), text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    /// <summary>Runs axe-core in the page and fails on any serious or critical violation, naming them.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var severe = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(severe.Count == 0, $"axe found serious or critical violations on {what}:\n" + string.Join("\n", severe));
    }

    /// <summary>Sets a date input (Playwright fills "yyyy-MM-dd" and fires input and change, as a user's pick does).</summary>
    public static Task SetDateAsync(ILocator input, string isoDate) => input.FillAsync(isoDate);
}
