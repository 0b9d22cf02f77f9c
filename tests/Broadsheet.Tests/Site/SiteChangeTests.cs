using System.Net;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Broadsheet.Tests.Site;

/// <summary>What happens to pages when content changes: caching, scheduling, hostile bodies, demo content.</summary>
public sealed class SiteChangeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Test hosts leave scheduling off (the digest's clock would get in the way); these tests are about it.</summary>
    private static Dictionary<string, string?> Scheduling => new() { ["Broadsheet:Workers:Scheduler"] = "true" };

    private static async Task<Post> CreateAsync(TestSite site, PostInput input)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(input, Ct);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_cached_page_is_dropped_as_soon_as_its_post_changes(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var post = await CreateAsync(site, new PostInput { Kind = PostKind.News, Language = "en", Title = "First headline", Status = PostStatus.Published });

        var (_, before) = await site.Client.FetchAsync("/en/first-headline");
        var (_, cached) = await site.Client.FetchAsync("/en/first-headline");
        Assert.Contains("First headline", before, StringComparison.Ordinal);
        Assert.Equal(before, cached);

        // Change the row behind the cache's back: the page stays cached, proving the cache is in play...
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            await db.Posts.Where(p => p.Id == post.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Lede, "Sneaky lede"), Ct);
        }

        Assert.DoesNotContain("Sneaky lede", (await site.Client.FetchAsync("/en/first-headline")).Body, StringComparison.Ordinal);

        // ...and a change through the service drops it at once, on the article and on the home page.
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PostService>().UpdateAsync(post.Id,
                new PostInput { Kind = PostKind.News, Language = "en", Title = "Corrected headline", Lede = "Fixed lede", Status = PostStatus.Published }, Ct);
        }

        var (status, after) = await site.Client.FetchAsync("/en/first-headline");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Corrected headline", after, StringComparison.Ordinal);
        Assert.Contains("Corrected headline", (await site.Client.FetchAsync("/en/")).Body, StringComparison.Ordinal);

        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PostService>().UnpublishAsync(post.Id, Ct);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/first-headline")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_post_scheduled_while_the_app_was_down_is_published_when_it_starts(DatabaseProvider provider)
    {
        await using var environment = await TestEnvironment.CreateAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var first = await TestSite.StartAsync(environment, demoContent: false, s => s.AddSingleton<TimeProvider>(clock), ownsEnvironment: false))
        {
            await CreateAsync(first, new PostInput
            {
                Kind = PostKind.News, Language = "en", Title = "Embargo lifts", Status = PostStatus.Scheduled,
                PublishAt = clock.GetUtcNow().UtcDateTime.AddHours(1),
            });
            Assert.Equal(HttpStatusCode.NotFound, (await first.Client.FetchAsync("/en/embargo-lifts")).Status);
        }

        // The app is down when the hour passes; the next start publishes the post before serving.
        clock.Advance(TimeSpan.FromHours(3));
        await using var second = await TestSite.StartAsync(environment, demoContent: false, s => s.AddSingleton<TimeProvider>(clock), ownsEnvironment: false, Scheduling);
        var (status, html) = await second.Client.FetchAsync("/en/embargo-lifts");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Embargo lifts", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_scheduler_publishes_a_due_post_while_running_and_the_page_appears(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(await TestEnvironment.CreateAsync(provider), demoContent: false, services: null, ownsEnvironment: true, Scheduling);
        await CreateAsync(site, new PostInput
        {
            Kind = PostKind.News, Language = "en", Title = "Due shortly", Status = PostStatus.Scheduled, PublishAt = DateTime.UtcNow.AddSeconds(5),
        });
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/due-shortly")).Status);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250, Ct);
            status = (await site.Client.FetchAsync("/en/due-shortly")).Status;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Hostile_markup_in_a_body_or_title_never_reaches_the_page_as_markup()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        await CreateAsync(site, new PostInput
        {
            Kind = PostKind.Report, Language = "en", Slug = "hostile", Status = PostStatus.Published,
            Title = "</script><script>alert('title')</script>", Lede = "<img src=x onerror=alert('lede')>",
            BodyMarkdown = string.Join("\n\n",
                "<script>alert('body')</script>", "<iframe src=\"https://evil.example\"></iframe>",
                "<img src=x onerror=\"alert('img')\">", "[link](javascript:alert('md'))", "<a href=\"javascript:alert('a')\">a</a>",
                "<svg><script>alert('svg')</script></svg>", "<p onclick=\"alert('p')\">click</p>", "Survivor paragraph."),
        });

        var (status, html) = await site.Client.FetchAsync("/en/hostile");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, CountOf(html, "<script")); // the JSON-LD block only
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        // Text that merely reads like markup is fine (it is encoded); what matters is that no real tag carries it.
        Assert.DoesNotMatch(@"<[a-z]+(\s+[a-z:-]+(=""[^""]*"")?)*\s+on[a-z]+\s*=", html);
        Assert.DoesNotMatch(@"(?i)(href|src)\s*=\s*""?\s*javascript:", html);
        Assert.DoesNotMatch(@"(?i)<img[^>]*src=""?x", html);
        Assert.DoesNotContain("</script><script>", html, StringComparison.Ordinal);
        Assert.Contains("Survivor paragraph.", html, StringComparison.Ordinal);
        Assert.Contains("&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_run_loads_bilingual_demo_content_of_every_kind()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: true);
        await using var scope = site.Services.CreateAsyncScope();
        var posts = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().ToListAsync(Ct);
        foreach (var kind in Enum.GetValues<PostKind>())
        {
            foreach (var language in new[] { "en", "ar" })
            {
                Assert.True(posts.Count(p => p.Kind == kind && p.Language == language && p.Status == PostStatus.Published) >= 3, $"{kind}/{language}");
            }
        }

        Assert.All(posts.Where(p => p.Kind == PostKind.Design), p => Assert.False(string.IsNullOrEmpty(p.CoverImageAlt)));
        Assert.Contains(posts, p => p.TranslationKey is not null && p.Language == "ar");

        foreach (var cover in posts.Select(p => p.CoverImageUrl).OfType<string>().Distinct())
        {
            Assert.Equal(HttpStatusCode.OK, (await site.Client.FetchAsync(cover)).Status);
        }

        var design = posts.First(p => p.Kind == PostKind.Design && p.Language == "ar");
        var (status, html) = await site.Client.FetchAsync("/ar/" + Uri.EscapeDataString(design.Slug));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }

        return count;
    }
}
