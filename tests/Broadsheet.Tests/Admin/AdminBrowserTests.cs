using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.Playwright;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// The admin in a real browser (Debian's Chromium): the first run, signing in and the lockout, and the main pages in both
/// languages, with screenshots (into docs/screenshots when BROADSHEET_SCREENSHOTS=docs/screenshots).
/// </summary>
public sealed class AdminBrowserTests : IAsyncLifetime
{
    private TestSite _site = default!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync() => _site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: true);

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _site.DisposeAsync();
    }

    private async Task<IPage> NewPageAsync()
    {
        if (_browser is null)
        {
            (_playwright, _browser) = await Browser.LaunchAsync();
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, BaseURL = _site.BaseAddress.ToString() });
        return await context.NewPageAsync();
    }

    [Fact]
    public async Task The_owner_sets_up_the_newsroom_then_a_wrong_password_five_times_locks_the_account()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/admin");
        Assert.EndsWith("/admin/setup", page.Url, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-setup-en.png"), FullPage = true });

        await page.FillAsync("#name", "Rana Haddad");
        await page.FillAsync("#email", "rana@newsroom.example");
        await page.FillAsync("#password", AdminClient.Password);
        await page.CheckAsync("input[name=language][value=en]");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/admin");
        Assert.Equal("Dashboard", await page.TextContentAsync("h1"));
        Assert.Contains("Rana Haddad", await page.TextContentAsync(".admin-me") ?? "", StringComparison.Ordinal);

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync("**/admin/login");
        for (var i = 0; i < StaffService.MaxFailedSignIns; i++)
        {
            await page.FillAsync("#email", "rana@newsroom.example");
            await page.FillAsync("#password", "not my password");
            await page.ClickAsync("button[type=submit]");
        }

        Assert.Contains("locked until", await page.TextContentAsync("[role=alert]") ?? "", StringComparison.Ordinal);
        await page.FillAsync("#email", "rana@newsroom.example");
        await page.FillAsync("#password", AdminClient.Password);
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("locked until", await page.TextContentAsync("[role=alert]") ?? "", StringComparison.Ordinal);
        Assert.EndsWith("/admin/login", page.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "ltr")]
    [InlineData("ar", "rtl")]
    public async Task The_main_pages_read_in_the_staff_members_language_and_direction(string language, string direction)
    {
        var owner = await AdminClient.CreateMemberAsync(_site.Services, StaffRole.Owner, $"owner-{language}@newsroom.example", language, language == "ar" ? "رنا حداد" : "Rana Haddad");
        var page = await NewPageAsync();
        await page.GotoAsync("/admin/login");
        await page.FillAsync("#email", owner.Email);
        await page.FillAsync("#password", AdminClient.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/admin");

        foreach (var (path, name) in new[] { ("/admin", "dashboard"), ("/admin/posts", "posts"), ("/admin/subscribers", "subscribers"), ("/admin/outbox", "outbox"), ("/admin/staff", "staff"), ("/admin/settings", "settings"), ("/admin/account", "account") })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            Assert.Equal(direction, await page.GetAttributeAsync("html", "dir"));
            Assert.Equal(direction, await page.EvalOnSelectorAsync<string>("main", "e => getComputedStyle(e).direction"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"admin-{name}-{language}.png"), FullPage = true });
        }

        // The navigation starts on the reading side: left in English, right in Arabic.
        var brand = await page.EvalOnSelectorAsync<float>(".admin-brand", "e => e.getBoundingClientRect().left");
        var me = await page.EvalOnSelectorAsync<float>(".admin-me", "e => e.getBoundingClientRect().left");
        Assert.True(direction == "ltr" ? brand < me : brand > me, $"brand at {brand}, account links at {me}");
    }
}
