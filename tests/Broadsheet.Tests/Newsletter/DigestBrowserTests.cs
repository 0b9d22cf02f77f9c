using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace Broadsheet.Tests.Newsletter;

/// <summary>
/// The digest as readers see it, in Debian's Chromium at a desktop and a phone width, in both languages: right to left
/// in Arabic, nothing wider than the screen on a phone, every image described. Screenshots go to docs/screenshots
/// when BROADSHEET_SCREENSHOTS=docs/screenshots.
/// </summary>
public sealed class DigestBrowserTests : IAsyncLifetime
{
    private BrowserSite _session = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _session = await BrowserSite.StartAsync(demoContent: true);

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    /// <summary>An edition of the demo content: two reports, the designs and the news of a language, with an intro.</summary>
    private async Task<string> EditionHtmlAsync(string language)
    {
        var services = _session.Site.Services;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var posts = await db.Posts.AsNoTracking().Where(p => p.Language == language && p.Status == PostStatus.Published).ToListAsync(Ct);
        var chosen = posts.Where(p => p.Kind == PostKind.Report).OrderByDescending(p => p.PublishAt).Take(2)
            .Concat(posts.Where(p => p.Kind == PostKind.Design).OrderByDescending(p => p.PublishAt).Take(2))
            .Concat(posts.Where(p => p.Kind == PostKind.News).OrderByDescending(p => p.PublishAt).Take(3)).ToList();
        Assert.True(chosen.Count >= 4, "The demo content has posts of every kind in each language.");

        var edition = new Edition
        {
            Newsletter = Edition.Digest, Language = language, PeriodKey = "2025-12-A", Status = EditionStatus.Draft,
            ScheduledFor = new DateTime(2025, 12, 1, 6, 0, 0, DateTimeKind.Utc), CreatedAt = DateTime.UtcNow,
            Intro = language == Language.Arabic
                ? "أهلاً بكم في عدد جديد. في هذين الأسبوعين تتبّعنا المياه من الآبار إلى الصهاريج، وسألنا من يدفع ثمنها.\n\nشكراً لأنكم تقرؤوننا، ولأنكم ترسلون إلينا أسئلتكم."
                : "Welcome to a new edition. This fortnight we followed the water from the wells to the tankers, and asked who pays for it.\n\nThank you for reading us, and for sending us your questions.",
        };
        db.Editions.Add(edition);
        await db.SaveChangesAsync(Ct);

        // The host's own scheduler may have put these posts in the coming edition already: a post goes in one only.
        var ids = chosen.Select(p => p.Id).ToList();
        await db.EditionItems.Where(i => ids.Contains(i.PostId)).ExecuteDeleteAsync(Ct);
        db.EditionItems.AddRange(chosen.Select((p, i) => new EditionItem { EditionId = edition.Id, PostId = p.Id, Section = p.Kind, Position = i }));
        await db.SaveChangesAsync(Ct);

        var html = (await scope.ServiceProvider.GetRequiredService<DigestRenderer>().RenderAsync(edition, EditionView.Preview, Ct)).Html;

        // The mail's links and images point at the configured site address; here that is the test host.
        var site = scope.ServiceProvider.GetRequiredService<IOptions<BroadsheetOptions>>().Value.SiteUrl.TrimEnd('/');
        return html.Replace(site, _session.Site.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ar")]
    public async Task The_edition_reads_well_on_a_desktop_and_on_a_phone(string language)
    {
        var html = await EditionHtmlAsync(language);
        foreach (var (width, height, name) in new[] { (1280, 900, "desktop"), (390, 844, "mobile") })
        {
            var page = await _session.NewPageAsync(width, height);
            await page.SetContentAsync(html, new PageSetContentOptions { WaitUntil = WaitUntilState.NetworkIdle });

            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            var direction = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('h1, h2, p')).direction");
            Assert.Equal(language == Language.Arabic ? "rtl" : "ltr", direction);

            // Nothing sticks out sideways on a phone.
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"The {name} layout is {overflow} px wider than the screen.");

            // Every image is described, and the designs' images loaded.
            var images = await page.EvaluateAsync<string[]>("() => [...document.images].filter(i => i.width > 1).map(i => (i.complete && i.naturalWidth > 0 ? 'loaded|' : 'missing|') + i.alt)");
            Assert.NotEmpty(images);
            Assert.All(images, i => Assert.StartsWith("loaded|", i, StringComparison.Ordinal));
            Assert.All(images, i => Assert.False(string.IsNullOrWhiteSpace(i["loaded|".Length..])));

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"digest-{language}-{name}.png"), FullPage = true });
            await page.CloseAsync();
        }
    }
}
