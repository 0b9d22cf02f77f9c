using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Broadsheet.Tests.TestKit;

/// <summary>Headless Debian Chromium driven by Playwright; never a downloaded browser.</summary>
public static class Browser
{
    public const string Variable = "BROADSHEET_TEST_CHROMIUM";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : null;

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (ExecutablePath is not { } path || !File.Exists(path))
        {
            Requirement.Missing($"Chromium is not installed (apt-get install chromium, or set {Variable}); .ci/run installs it.");
            throw new InvalidOperationException("unreachable");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = Arguments,
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Waits until the page is at an address whose path matches <paramref name="path"/> (a regular expression, in
    /// the subset JavaScript shares, over the whole path; a query or fragment may follow), asking the browser. Not
    /// WaitForURLAsync: its check-then-subscribe can miss the load event it waits for
    /// (microsoft/playwright-dotnet#3364), and so timed a CI run out on a page that had long loaded. Callers wait
    /// for the element they read next, which Playwright does by itself.
    /// </summary>
    public static Task WaitForPathAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(
            new Regex("^[a-z]+://[^/]+" + path + "(?:[?#].*)?$"), new() { Timeout = 60_000 });

    /// <summary>Where screenshots go: docs/screenshots when BROADSHEET_SCREENSHOTS=docs, else a temporary folder.</summary>
    public static string ScreenshotPath(string name)
    {
        var target = Environment.GetEnvironmentVariable("BROADSHEET_SCREENSHOTS");
        var directory = target is { Length: > 0 } ? Path.GetFullPath(target) : Path.Combine(Path.GetTempPath(), "broadsheet-screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }
}
