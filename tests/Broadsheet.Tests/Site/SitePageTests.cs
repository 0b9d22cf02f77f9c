using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Broadsheet.Tests.TestKit;

namespace Broadsheet.Tests.Site;

/// <summary>The public pages, read through a real Kestrel on each database.</summary>
public abstract class SitePageTests(SeededSite fixture)
{
    private HttpClient Client => fixture.Require().Client;

    private static readonly string ArabicPath = "/ar/" + Uri.EscapeDataString(SiteFixture.ArabicSlug);

    [Theory]
    [InlineData("ar,en;q=0.5", "/ar/")]
    [InlineData("ar-SY", "/ar/")]
    [InlineData("fr-FR, en;q=0.3", "/en/")]
    [InlineData("de", "/en/")]
    [InlineData(null, "/en/")]
    public async Task The_root_sends_readers_to_their_language(string? acceptLanguage, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Home_pages_show_featured_and_latest_in_their_language_and_direction()
    {
        var (status, english) = await Client.FetchAsync("/en/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", english, StringComparison.Ordinal);
        Assert.Contains("The tanker cartel", english, StringComparison.Ordinal);
        Assert.Contains("Council meeting 1<", english, StringComparison.Ordinal);
        Assert.Contains("data-newsletter-signup", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Unfinished draft", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Embargoed story", english, StringComparison.Ordinal);

        var (arabicStatus, arabic) = await Client.FetchAsync("/ar/");
        Assert.Equal(HttpStatusCode.OK, arabicStatus);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arabic, StringComparison.Ordinal);
        Assert.Contains("كارتل الصهاريج", arabic, StringComparison.Ordinal);
        Assert.DoesNotContain("Council meeting", arabic, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_article_carries_canonical_social_structured_and_language_metadata()
    {
        var (status, html) = await Client.FetchAsync("/en/" + SiteFixture.EnglishSlug);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("https://news.example/en/the-tanker-cartel", Html.Attribute(html, "<link rel=\"canonical\"[^>]*>", "href"));
        Assert.Equal("The tanker cartel", Html.Meta(html, "og:title"));
        Assert.Equal("article", Html.Meta(html, "og:type"));
        Assert.Equal("summary_large_image", Html.Meta(html, "twitter:card"));
        Assert.Equal("A water tanker at dawn", Html.Meta(html, "twitter:image:alt"));
        Assert.Equal("https://news.example" + ArabicPath, Html.Attribute(html, "<link rel=\"alternate\" hreflang=\"ar\"[^>]*>", "href"));
        Assert.Equal("https://news.example/en/the-tanker-cartel", Html.Attribute(html, "<link rel=\"alternate\" hreflang=\"en\"[^>]*>", "href"));
        Assert.Contains("1 min read", html, StringComparison.Ordinal);
        Assert.Contains("data-newsletter-signup", html, StringComparison.Ordinal);
        Assert.Contains("<h2>How it works</h2>", html, StringComparison.Ordinal);
        Assert.Equal(ArabicPath, Html.Attribute(html, "<li class=\"lang-switch\"><a [^>]*>", "href"));

        using var jsonLd = JsonDocument.Parse(Html.JsonLd(html) ?? "{}");
        var root = jsonLd.RootElement;
        Assert.Equal("NewsArticle", root.GetProperty("@type").GetString());
        Assert.Equal("The tanker cartel", root.GetProperty("headline").GetString());
        Assert.Equal("en", root.GetProperty("inLanguage").GetString());
        Assert.Equal("Rana Haddad", root.GetProperty("author")[0].GetProperty("name").GetString());
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("datePublished").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task An_arabic_article_reads_right_to_left_with_arabic_digits_and_links_back()
    {
        var (status, html) = await Client.FetchAsync(ArabicPath);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
        Assert.Contains("وقت القراءة: دقيقة واحدة", html, StringComparison.Ordinal);
        Assert.Matches("<time datetime=\"[0-9T:Z-]+\">[٠-٩]+ [\\u0621-\\u064A]+ [٠-٩]{4}</time>", html);
        Assert.Equal("/en/the-tanker-cartel", Html.Attribute(html, "<li class=\"lang-switch\"><a [^>]*>", "href"));
        Assert.Contains("بقلم", html, StringComparison.Ordinal);
        Assert.Contains("رنا حداد", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listings_page_and_never_show_drafts_or_embargoed_posts()
    {
        var (status, first) = await Client.FetchAsync("/en/news");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Council meeting 1<", first, StringComparison.Ordinal);
        Assert.Contains("Council meeting 12<", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Council meeting 13<", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/en/news?page=2\"", first, StringComparison.Ordinal);

        var (_, second) = await Client.FetchAsync("/en/news?page=2");
        Assert.Contains("Council meeting 14<", second, StringComparison.Ordinal);
        Assert.DoesNotContain("Embargoed story", first + second, StringComparison.Ordinal);
        Assert.DoesNotContain("Unfinished draft", first + second, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await Client.FetchAsync("/en/news?page=3")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Client.FetchAsync("/en/reports")).Status);
        var (designs, designsHtml) = await Client.FetchAsync("/ar/designs");
        Assert.Equal(HttpStatusCode.OK, designs);
        Assert.Contains("لم يُنشر شيء هنا بعد", designsHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.FetchAsync("/en/unfinished-draft")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.FetchAsync("/en/embargoed-story")).Status);
    }

    [Fact]
    public async Task Tag_and_author_pages_list_their_posts()
    {
        var (tagStatus, tag) = await Client.FetchAsync("/en/tag/water");
        Assert.Equal(HttpStatusCode.OK, tagStatus);
        Assert.Contains("The tanker cartel", tag, StringComparison.Ordinal);

        var (arabicTagStatus, arabicTag) = await Client.FetchAsync("/ar/tag/" + Uri.EscapeDataString("المياه"));
        Assert.Equal(HttpStatusCode.OK, arabicTagStatus);
        Assert.Contains("كارتل الصهاريج", arabicTag, StringComparison.Ordinal);

        var (authorStatus, author) = await Client.FetchAsync("/ar/author/rana-haddad");
        Assert.Equal(HttpStatusCode.OK, authorStatus);
        Assert.Contains("<h1>رنا حداد</h1>", author, StringComparison.Ordinal);
        Assert.Contains("كارتل الصهاريج", author, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await Client.FetchAsync("/en/tag/no-such-tag")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.FetchAsync("/en/author/nobody")).Status);
    }

    [Theory]
    [InlineData("/en/no-such-article", "en", "Page not found")]
    [InlineData("/ar/%D9%84%D8%A7-%D9%8A%D9%88%D8%AC%D8%AF", "ar", "الصفحة غير موجودة")]
    [InlineData("/fr/anything", "en", "Page not found")]
    [InlineData("/en/reports/extra/segments", "en", "Page not found")]
    [InlineData("/en/opinion/x", "en", "Page not found")]
    [InlineData("/en/..%2F..%2Fetc%2Fpasswd", "en", "Page not found")]
    [InlineData("/ar/..%5C..%5Cwindows", "ar", "الصفحة غير موجودة")]
    [InlineData("/en/tag/%2e%2e%2f", "en", "Page not found")]
    public async Task Unknown_pages_get_a_friendly_404_in_the_requests_language(string path, string language, string heading)
    {
        var (status, html) = await Client.FetchAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains($"<html lang=\"{language}\"", html, StringComparison.Ordinal);
        Assert.Contains(heading, html, StringComparison.Ordinal);
        Assert.Contains("noindex", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/en/%00")]
    [InlineData("/en/%2e%2e")]
    [InlineData("/en/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/%2e%2e/appsettings.json")]
    [InlineData("/assets/..%2Fappsettings.json")]
    [InlineData("/assets/%2e%2e/%2e%2e/appsettings.json")]
    public async Task Malformed_or_traversing_paths_never_reach_a_file_or_an_error(string path)
    {
        var (status, body) = await Client.FetchAsync(path);
        Assert.True((int)status is >= 300 and < 500, $"{path} answered {(int)status}");
        Assert.DoesNotContain("ConnectionStrings", body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/en/")]
    [InlineData("/ar/news")]
    [InlineData("/en/the-tanker-cartel")]
    public async Task Pages_answer_head_requests_with_headers_only(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_overlong_slug_is_a_404_not_an_error()
    {
        var (status, _) = await Client.FetchAsync("/en/" + new string('a', 5000));
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Unknown_query_parameters_are_ignored()
    {
        var (_, plain) = await Client.FetchAsync("/en/" + SiteFixture.EnglishSlug);
        var (status, withQuery) = await Client.FetchAsync("/en/" + SiteFixture.EnglishSlug + "?utm_source=x&q=%3Cscript%3Ealert(1)%3C/script%3E&page=9");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(plain, withQuery);
        Assert.DoesNotContain("alert(1)", withQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feeds_sitemap_and_robots_are_well_formed()
    {
        var (rssStatus, rss) = await Client.FetchAsync("/en/rss.xml");
        Assert.Equal(HttpStatusCode.OK, rssStatus);
        var channel = XDocument.Parse(rss).Root!;
        Assert.Equal("rss", channel.Name.LocalName);
        Assert.Equal("2.0", channel.Attribute("version")?.Value);
        var titles = channel.Descendants("item").Select(i => i.Element("title")?.Value).ToList();
        Assert.Contains("The tanker cartel", titles);
        Assert.DoesNotContain("Embargoed story", titles);

        var (atomStatus, atom) = await Client.FetchAsync("/ar/atom.xml");
        Assert.Equal(HttpStatusCode.OK, atomStatus);
        XNamespace a = "http://www.w3.org/2005/Atom";
        var feed = XDocument.Parse(atom).Root!;
        Assert.Equal(a + "feed", feed.Name);
        Assert.Contains("كارتل الصهاريج", feed.Elements(a + "entry").Select(e => e.Element(a + "title")?.Value));

        var (mapStatus, map) = await Client.FetchAsync("/sitemap.xml");
        Assert.Equal(HttpStatusCode.OK, mapStatus);
        XNamespace s = "http://www.sitemaps.org/schemas/sitemap/0.9";
        XNamespace x = "http://www.w3.org/1999/xhtml";
        var article = XDocument.Parse(map).Root!.Elements(s + "url")
            .Single(u => u.Element(s + "loc")?.Value == "https://news.example/en/the-tanker-cartel");
        var alternates = article.Elements(x + "link").ToDictionary(l => l.Attribute("hreflang")!.Value, l => l.Attribute("href")!.Value);
        Assert.Equal("https://news.example" + ArabicPath, alternates["ar"]);
        Assert.Equal("https://news.example/en/the-tanker-cartel", alternates["en"]);
        Assert.DoesNotContain("unfinished-draft", map, StringComparison.Ordinal);

        var (robotsStatus, robots) = await Client.FetchAsync("/robots.txt");
        Assert.Equal(HttpStatusCode.OK, robotsStatus);
        Assert.Contains("Sitemap: https://news.example/sitemap.xml", robots, StringComparison.Ordinal);
        Assert.Contains("Disallow: /unsubscribe/", robots, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_once_ready_and_assets_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.FetchAsync("/healthz")).Status);
        var (status, css) = await Client.FetchAsync("/assets/site.css");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("inline", css, StringComparison.Ordinal);
    }
}

public sealed class SitePageTestsOnSqlite(SeededSqliteSite fixture) : SitePageTests(fixture), IClassFixture<SeededSqliteSite>;

public sealed class SitePageTestsOnPostgres(SeededPostgresSite fixture) : SitePageTests(fixture), IClassFixture<SeededPostgresSite>;
