using System.Net;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Site;

/// <summary>Page views counted through the real host: what counts as a read, what does not, and that it reaches the database.</summary>
public sealed class ReadershipCountingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static async Task<Post> CreateAsync(TestSite site, PostInput input)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(input, Ct);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestSite site, string path, string? userAgent = Browser, HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await site.Client.SendAsync(request, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }

    private static async Task<HttpStatusCode> StatusAsync(TestSite site, string path, string? userAgent = Browser, HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(site, path, userAgent, method, headers);
        return response.StatusCode;
    }

    /// <summary>Flushes what the site counted and reads the stored views per post.</summary>
    private static async Task<Dictionary<int, long>> FlushAndReadAsync(TestSite site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        await site.Services.GetRequiredService<Readership>().FlushAsync(db, Ct);
        return await ViewsAsync(db);
    }

    private static async Task<Dictionary<int, long>> ViewsAsync(BroadsheetDb db) =>
        (await db.PostViews.AsNoTracking().ToListAsync(Ct)).GroupBy(v => v.PostId).ToDictionary(g => g.Key, g => g.Sum(v => v.Views));

    /// <summary>
    /// The count is made just after the page is sent, so the client may see the page a moment before; requests on one
    /// connection are handled in turn, so once the last one is in, every earlier one has been decided.
    /// </summary>
    private static async Task<Dictionary<int, long>> WaitForAsync(TestSite site, int postId, long views)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var stored = await FlushAndReadAsync(site);
            if (stored.GetValueOrDefault(postId) >= views || DateTime.UtcNow > deadline)
            {
                return stored;
            }

            await Task.Delay(20, Ct);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_read_of_an_article_counts_once_even_from_the_page_cache_and_nothing_else_counts(DatabaseProvider provider)
    {
        var environment = await TestEnvironment.CreateAsync(provider);
        // No periodic flush during the test: the test flushes itself, so it sees exactly what was counted.
        await using var site = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: true,
            new Dictionary<string, string?> { ["Broadsheet:Newsletter:ReadershipFlushInterval"] = "01:00:00" });
        var story = await CreateAsync(site, new PostInput { Kind = PostKind.Report, Language = "en", Title = "Counted story", Lede = "A lede.", Status = PostStatus.Published });
        var arabic = await CreateAsync(site, new PostInput { Kind = PostKind.News, Language = "ar", Title = "خبر معدود", Lede = "ملخص.", Status = PostStatus.Published });
        var other = await CreateAsync(site, new PostInput { Kind = PostKind.News, Language = "en", Title = "Other story", Lede = "Another.", Status = PostStatus.Published });
        await CreateAsync(site, new PostInput { Kind = PostKind.News, Language = "en", Title = "Unseen draft", Status = PostStatus.Draft });
        var path = "/en/" + story.Slug;

        using (var first = await SendAsync(site, path))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.False(first.Headers.Contains("Set-Cookie"), "A public article sets no cookie.");
            Assert.False(first.Headers.Contains("Age"));
        }

        using (var second = await SendAsync(site, path))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            // Served from the output cache (it says how old the copy is): counted all the same.
            Assert.True(second.Headers.Contains("Age"), "The second read should come from the page cache.");
            Assert.False(second.Headers.Contains("Set-Cookie"));
        }

        // Not reads: HEAD, bots and link previewers, a client with no user agent, prefetches, missing pages and other pages.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, method: HttpMethod.Head));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, "WhatsApp/2.23.20.0"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, "Twitterbot/1.0"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, "curl/8.5.0"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, userAgent: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, headers: ("Sec-Purpose", "prefetch")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, headers: ("Sec-Purpose", "prefetch;prerender")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path, headers: ("Purpose", "prefetch")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(site, "/en/no-such-story"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(site, "/en/unseen-draft"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(site, "/ar/" + story.Slug));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/ar/"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/reports"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/rss.xml"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/ar/" + Uri.EscapeDataString(arabic.Slug)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path));

        var stored = await WaitForAsync(site, story.Id, 3);
        Assert.Equal(3, stored.GetValueOrDefault(story.Id));
        Assert.Equal(1, stored.GetValueOrDefault(arabic.Id));
        Assert.False(stored.ContainsKey(other.Id));
        Assert.Equal(2, stored.Count);

        // A post that takes a slug another post had is credited with its own reads, not the old post's (content
        // changes empty the slug map as they empty the page cache).
        await using (var scope = site.Services.CreateAsyncScope())
        {
            var posts = scope.ServiceProvider.GetRequiredService<PostService>();
            await posts.UpdateAsync(story.Id, new PostInput
            {
                Kind = PostKind.Report, Language = "en", Title = "Counted story", Slug = "renamed-story", Lede = "A lede.", Status = PostStatus.Published,
            }, Ct);
            await posts.UpdateAsync(other.Id, new PostInput
            {
                Kind = PostKind.News, Language = "en", Title = "Other story", Slug = story.Slug, Lede = "Another.", Status = PostStatus.Published,
            }, Ct);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/renamed-story"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, path));
        stored = await WaitForAsync(site, other.Id, 1);
        Assert.Equal(4, stored.GetValueOrDefault(story.Id));
        Assert.Equal(1, stored.GetValueOrDefault(other.Id));
    }

    [Fact]
    public async Task Views_reach_the_database_on_the_hosts_own_timer()
    {
        await using var site = await TestSite.StartAsync(await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite), demoContent: false, services: null,
            ownsEnvironment: true, new Dictionary<string, string?> { ["Broadsheet:Newsletter:ReadershipFlushInterval"] = "00:00:01" });
        var post = await CreateAsync(site, new PostInput { Kind = PostKind.News, Language = "en", Title = "Flushed story", Lede = "A lede.", Status = PostStatus.Published });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/" + post.Slug));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/" + post.Slug));

        // Nobody flushes but the host.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long views;
        do
        {
            await Task.Delay(100, Ct);
            await using var scope = site.Services.CreateAsyncScope();
            views = (await ViewsAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>())).GetValueOrDefault(post.Id);
        }
        while (views < 2 && DateTime.UtcNow < deadline);

        Assert.Equal(2, views);
    }

    [Fact]
    public async Task Views_still_waiting_when_the_app_stops_are_written_on_the_way_out()
    {
        await using var environment = await TestEnvironment.CreateAsync(DatabaseProvider.Sqlite);
        int postId;
        await using (var site = await TestSite.StartAsync(environment, demoContent: false, services: null, ownsEnvironment: false,
            new Dictionary<string, string?> { ["Broadsheet:Newsletter:ReadershipFlushInterval"] = "01:00:00" }))
        {
            var post = await CreateAsync(site, new PostInput { Kind = PostKind.News, Language = "en", Title = "Read at closing time", Lede = "A lede.", Status = PostStatus.Published });
            postId = post.Id;
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/" + post.Slug));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(site, "/en/" + post.Slug));
            await using var scope = site.Services.CreateAsyncScope();
            Assert.Empty(await ViewsAsync(scope.ServiceProvider.GetRequiredService<BroadsheetDb>()));
        }

        // The host stopped (the server first, so the last requests were in), then wrote what was waiting.
        await using var services = await TestServices.CreateAsync(environment);
        var stored = await services.InScopeAsync(sp => ViewsAsync(sp.GetRequiredService<BroadsheetDb>()));
        Assert.Equal(2, stored.GetValueOrDefault(postId));
    }
}
