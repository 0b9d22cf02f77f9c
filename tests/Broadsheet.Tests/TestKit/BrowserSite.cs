using System.Text.RegularExpressions;
using Broadsheet.Staff;
using Microsoft.Playwright;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// The real host with the demo content and Debian's Chromium, started once per test: the browser only when a page
/// is first asked for (so a test that skips for want of Chromium starts nothing), each page in its own context.
/// </summary>
public sealed class BrowserSite : IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private BrowserSite(TestSite site) => Site = site;

    public TestSite Site { get; }

    public static async Task<BrowserSite> StartAsync(bool demoContent = true) =>
        new(await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent));

    /// <summary>A fresh page (its own cookies) whose relative addresses are the site's.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        if (_browser is null)
        {
            (_playwright, _browser) = await Browser.LaunchAsync();
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height }, BaseURL = Site.BaseAddress.ToString(),
        });
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in as <paramref name="member"/> through the real sign-in form, landed on <paramref name="returnPath"/>.</summary>
    public async Task<IPage> SignInAsync(StaffMember member, string returnPath = "/admin", int width = 1280, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(member);
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/admin/login?return=" + Uri.EscapeDataString(returnPath));
        await page.FillAsync("#email", member.Email);
        await page.FillAsync("#password", AdminClient.Password);
        // The form's answer, then the address it leads to (asked of the browser, see Browser.WaitForPathAsync) and
        // that page's heading. A sign-in that did not land says where it ended and why, instead of only timing out.
        var answer = page.WaitForResponseAsync(r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/admin/login", new() { Timeout = 60_000 });
        await page.ClickAsync("button[type=submit]");
        var status = (await answer).Status;
        try
        {
            await Browser.WaitForPathAsync(page, Regex.Escape(returnPath));
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"Signing in answered {status} and landed on {page.Url}: {await page.TextContentAsync("body")}", e);
        }

        await page.WaitForSelectorAsync("h1");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Site.DisposeAsync();
    }
}
