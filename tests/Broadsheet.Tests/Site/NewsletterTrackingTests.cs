using System.Net;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Settings;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broadsheet.Tests.Site;

/// <summary>The open pixel and the click redirect over real HTTP: off unless switched on, counting only, never a way off the site.</summary>
public sealed class NewsletterTrackingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A site without the digest's clock, so the editions here are only the test's own.</summary>
    private static async Task<TestSite> StartAsync(DatabaseProvider provider) =>
        await TestSite.StartAsync(await TestEnvironment.CreateAsync(provider), demoContent: false, services: null, ownsEnvironment: true,
            settings: new Dictionary<string, string?> { ["Broadsheet:Workers:Scheduler"] = "false" });

    /// <summary>
    /// Switches tracking as an administrator does: saved in the settings. Setting the options in memory alone would
    /// not hold on PostgreSQL, where the cluster listener re-reads the saved settings whenever it (re)connects.
    /// </summary>
    private static async Task TrackAsync(TestSite site, bool opens, bool clicks)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var errors = await scope.ServiceProvider.GetRequiredService<SettingsService>().SaveAsync(
            new Dictionary<string, string?>
            {
                [SettingsService.TrackOpens] = opens ? "true" : "false",
                [SettingsService.TrackClicks] = clicks ? "true" : "false",
            },
            clearPassword: false, actorId: null, Ct);
        Assert.Empty(errors);
        var tracking = site.Services.GetRequiredService<IOptions<BroadsheetOptions>>().Value.Tracking;
        Assert.Equal((opens, clicks), (tracking.Opens, tracking.Clicks));
    }

    private static async Task<HttpResponseMessage> GetAsync(TestSite site, string path) =>
        await site.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);

    private static async Task<(long Opens, Dictionary<int, long> Clicks)> CountsAsync(TestSite site, long editionId)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var opens = await db.Editions.AsNoTracking().Where(e => e.Id == editionId).Select(e => e.Opens).SingleAsync(Ct);
        var clicks = await db.EditionClicks.AsNoTracking().Where(c => c.EditionId == editionId).ToDictionaryAsync(c => c.PostId, c => c.Clicks, Ct);
        return (opens, clicks);
    }

    [Fact]
    public async Task Both_endpoints_are_404_while_tracking_is_off()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(site.Services, "en", EditionStatus.Sent);
        await TrackAsync(site, opens: false, clicks: false);

        using (var pixel = await GetAsync(site, $"/newsletter/o/{made.Edition.Id}.gif"))
        {
            Assert.Equal(HttpStatusCode.NotFound, pixel.StatusCode);
        }

        using (var click = await GetAsync(site, $"/newsletter/c/{made.Edition.Id}/{made.Report.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, click.StatusCode);
            Assert.Null(click.Headers.Location);
        }

        var (opens, clicks) = await CountsAsync(site, made.Edition.Id);
        Assert.Equal(0, opens);
        Assert.Empty(clicks);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_pixel_counts_an_open_of_an_edition_that_went_out_and_keeps_nothing_about_the_reader(DatabaseProvider provider)
    {
        await using var site = await StartAsync(provider);
        var sent = await Editions.CreateAsync(site.Services, "en", EditionStatus.Sent);
        var draft = await Editions.CreateAsync(site.Services, "ar", EditionStatus.Draft);
        await TrackAsync(site, opens: true, clicks: false);

        for (var i = 0; i < 2; i++)
        {
            using var pixel = await GetAsync(site, $"/newsletter/o/{sent.Edition.Id}.gif");
            Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
            Assert.Equal("image/gif", pixel.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", pixel.Headers.CacheControl?.ToString());
            Assert.False(pixel.Headers.Contains("Set-Cookie"));
            var bytes = await pixel.Content.ReadAsByteArrayAsync(Ct);
            Assert.Equal("GIF89a"u8.ToArray(), bytes[..6]);
            Assert.Equal(1, BitConverter.ToUInt16(bytes, 6));
            Assert.Equal(1, BitConverter.ToUInt16(bytes, 8));
        }

        // A preview or a test mail of a draft is not a reader opening the edition; an unknown edition is nothing.
        using (var preview = await GetAsync(site, $"/newsletter/o/{draft.Edition.Id}.gif"))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        }

        using (var unknown = await GetAsync(site, "/newsletter/o/999999.gif"))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        }

        Assert.Equal(2, (await CountsAsync(site, sent.Edition.Id)).Opens);
        Assert.Equal(0, (await CountsAsync(site, draft.Edition.Id)).Opens);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_click_on_an_item_is_counted_and_sent_to_the_posts_page(DatabaseProvider provider)
    {
        await using var site = await StartAsync(provider);
        var made = await Editions.CreateAsync(site.Services, "en", EditionStatus.Sent);
        await TrackAsync(site, opens: false, clicks: true);

        for (var i = 0; i < 3; i++)
        {
            using var click = await GetAsync(site, $"/newsletter/c/{made.Edition.Id}/{made.Design.Id}");
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal($"https://news.example/en/{made.Design.Slug}", click.Headers.Location?.OriginalString);
            Assert.Equal("no-store", click.Headers.CacheControl?.ToString());
            Assert.False(click.Headers.Contains("Set-Cookie"));
        }

        using (var report = await GetAsync(site, $"/newsletter/c/{made.Edition.Id}/{made.Report.Id}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, report.StatusCode);
        }

        var (_, clicks) = await CountsAsync(site, made.Edition.Id);
        Assert.Equal(3, clicks[made.Design.Id]);
        Assert.Equal(1, clicks[made.Report.Id]);
        Assert.False(clicks.ContainsKey(made.News.Id));
    }

    [Fact]
    public async Task The_redirect_goes_nowhere_but_an_item_of_that_edition()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        var first = await Editions.CreateAsync(site.Services, "en", EditionStatus.Sent);
        var other = await Editions.CreateAsync(site.Services, "ar", EditionStatus.Sent, periodKey: "2026-12-B");
        await TrackAsync(site, opens: true, clicks: true);

        var refused = new[]
        {
            $"/newsletter/c/{first.Edition.Id}/{other.Report.Id}",            // a real post, but of another edition
            $"/newsletter/c/999999/{first.Report.Id}",                         // no such edition
            $"/newsletter/c/{first.Edition.Id}/999999",                        // no such post
            $"/newsletter/c/{first.Edition.Id}/{first.Report.Id}?url=https://evil.example/",
            $"/newsletter/c/{first.Edition.Id}/{first.Report.Id}?next=%2F%2Fevil.example",
            $"/newsletter/c/{first.Edition.Id}/https:%2F%2Fevil.example",
            $"/newsletter/c/{first.Edition.Id}/{first.Report.Id}/https://evil.example",
            "/newsletter/c/x/1",
            $"/newsletter/o/{first.Edition.Id}.gif?url=https://evil.example/",
        };
        foreach (var path in refused)
        {
            using var response = await GetAsync(site, path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
            Assert.Null(response.Headers.Location);
            Assert.True(response.Content.Headers.ContentType?.MediaType == "text/html", $"{path} answered no page");
        }

        var (opens, clicks) = await CountsAsync(site, first.Edition.Id);
        Assert.Equal(0, opens);
        Assert.Empty(clicks);

        // An item unpublished since the edition went out is not a way anywhere either.
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Broadsheet.Publishing.PostService>().UnpublishAsync(first.News.Id, Ct);
        }

        using var gone = await GetAsync(site, $"/newsletter/c/{first.Edition.Id}/{first.News.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
