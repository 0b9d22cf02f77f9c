using System.Text.RegularExpressions;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Newsletter;

/// <summary>An edition as its readers get it: direction and words per language, the reader's links left for the delivery engine, images, escaping, tracking only when on.</summary>
public sealed partial class DigestRendererTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Site = "https://news.example";

    private static Task<TestServices> ServicesAsync(DatabaseProvider provider, bool opens = false, bool clicks = false) =>
        TestServices.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Broadsheet:Tracking:Opens"] = opens ? "true" : "false",
            ["Broadsheet:Tracking:Clicks"] = clicks ? "true" : "false",
            ["Broadsheet:PublicationName:en"] = "The Ledger",
            ["Broadsheet:PublicationName:ar"] = "الدفتر",
        }, now: new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private static Task<RenderedEdition> RenderAsync(TestServices services, Edition edition, EditionView view) =>
        services.InScopeAsync(sp => sp.GetRequiredService<DigestRenderer>().RenderAsync(edition, view, Ct));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_arabic_edition_reads_right_to_left_with_arabic_sections_and_date(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var made = await Editions.CreateAsync(services, "ar");
        var rendered = await RenderAsync(services, made.Edition, EditionView.Email);

        Assert.Equal("الدفتر: أهم المستجدات، ١ ديسمبر ٢٠٢٦", rendered.Subject);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", rendered.Html, StringComparison.Ordinal);
        var sheet = Regex.Match(rendered.Html, "<table role=\"presentation\" class=\"bs-sheet\"[^>]*>").Value;
        Assert.Contains("dir=\"rtl\"", sheet, StringComparison.Ordinal);
        Assert.Contains("text-align:right", sheet, StringComparison.Ordinal);
        Assert.DoesNotContain("text-align:left", rendered.Html, StringComparison.Ordinal);

        // Sections in the edition's order, with their Arabic titles, and Arabic text as text (not entities).
        var reports = rendered.Html.IndexOf(">تقارير<", StringComparison.Ordinal);
        var designs = rendered.Html.IndexOf(">تصاميم<", StringComparison.Ordinal);
        var news = rendered.Html.IndexOf(">أخبار<", StringComparison.Ordinal);
        Assert.True(reports > 0 && reports < designs && designs < news, $"sections at {reports}, {designs}, {news}");
        Assert.Contains(made.Report.Title, rendered.Html, StringComparison.Ordinal);
        Assert.Contains("وصلتك هذه الرسالة لأنك اشتركت في نشرة الدفتر على موقعنا.", rendered.Html, StringComparison.Ordinal);
        Assert.Contains($"{Site}/ar/{Uri.EscapeDataString(made.News.Slug)}", rendered.Html, StringComparison.Ordinal);
        Assert.Contains("تقارير", rendered.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_english_edition_reads_left_to_right_with_posts_linked_to_their_pages(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var made = await Editions.CreateAsync(services, "en");
        var rendered = await RenderAsync(services, made.Edition, EditionView.Email);

        Assert.Equal("The Ledger: the most important updates, 1 December 2026", rendered.Subject);
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", rendered.Html, StringComparison.Ordinal);
        Assert.Contains("text-align:left", rendered.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("text-align:right", rendered.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("dir=\"rtl\"", rendered.Html, StringComparison.Ordinal);
        Assert.True(rendered.Html.IndexOf(">Reports<", StringComparison.Ordinal) < rendered.Html.IndexOf(">Designs<", StringComparison.Ordinal));
        Assert.True(rendered.Html.IndexOf(">Designs<", StringComparison.Ordinal) < rendered.Html.IndexOf(">News<", StringComparison.Ordinal));

        Assert.Contains($"<a href=\"{Site}/en/{made.Report.Slug}\" style=\"color:#1d1d1b;text-decoration:none;\">Who owns the wells</a>", rendered.Html, StringComparison.Ordinal);
        Assert.Contains("The first report&#x27;s lede.", rendered.Html, StringComparison.Ordinal);
        Assert.Matches(@"\d+ min read", rendered.Html);
        Assert.Contains("You are receiving this newsletter from The Ledger because you subscribed to it on our website.", rendered.Html, StringComparison.Ordinal);

        // One layout that mail clients render alike: 600 px tables, inline styles, no script, no external style sheet.
        Assert.Contains("width=\"600\"", rendered.Html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(rendered.Html, "<style>"));
        Assert.DoesNotContain("<script", rendered.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", rendered.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_mail_keeps_each_readers_links_as_placeholders_and_the_web_copy_has_none()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(services, "en");
        var web = $"{Site}/en/newsletter/2026-12-A";

        var email = await RenderAsync(services, made.Edition, EditionView.Email);
        foreach (var part in new[] { email.Html, email.Text })
        {
            Assert.Contains(Send.UnsubscribeUrlPlaceholder, part, StringComparison.Ordinal);
            Assert.Contains(Send.PreferencesUrlPlaceholder, part, StringComparison.Ordinal);
            Assert.Contains(web, part, StringComparison.Ordinal);
        }

        Assert.Contains($"<a href=\"{Send.UnsubscribeUrlPlaceholder}\"", email.Html, StringComparison.Ordinal);

        var archive = await RenderAsync(services, made.Edition, EditionView.Web);
        foreach (var part in new[] { archive.Html, archive.Text })
        {
            Assert.DoesNotContain("{{", part, StringComparison.Ordinal);
            Assert.DoesNotContain("/unsubscribe/", part, StringComparison.Ordinal);
            Assert.DoesNotContain("/preferences/", part, StringComparison.Ordinal);
            Assert.Contains($"{Site}/en/subscribe", part, StringComparison.Ordinal);
            Assert.Contains($"{Site}/en/", part, StringComparison.Ordinal);
        }

        Assert.Equal(email.Subject, archive.Subject);
    }

    [Fact]
    public async Task A_design_shows_its_960_pixel_cover_with_its_description_and_size()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(services, "en");
        var rendered = await RenderAsync(services, made.Edition, EditionView.Email);

        var images = Regex.Matches(rendered.Html, "<img [^>]*>").Select(m => m.Value).ToList();
        var cover = Assert.Single(images);
        Assert.Contains($"src=\"{Site}/media/{made.Media.Key}-960.jpg\"", cover, StringComparison.Ordinal);
        Assert.Contains("alt=\"A map showing the wells\"", cover, StringComparison.Ordinal);
        // Shown 536 px wide in the 600 px sheet, at the 1920×1080 original's proportions.
        Assert.Contains("width=\"536\"", cover, StringComparison.Ordinal);
        Assert.Contains("height=\"301\"", cover, StringComparison.Ordinal);
        Assert.Contains("max-width:100%", cover, StringComparison.Ordinal);
        Assert.Contains("height:auto", cover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Titles_and_the_intro_are_escaped_in_html_and_left_as_written_in_the_text_part()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(services, "en",
            reportTitle: "<script>alert(1)</script> Rents", intro: "First <b>paragraph</b>,\nstill the first.\n\n\nSecond paragraph.");
        var rendered = await RenderAsync(services, made.Edition, EditionView.Email);

        Assert.DoesNotContain("<script>", rendered.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; Rents", rendered.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", rendered.Html, StringComparison.Ordinal);
        Assert.Matches(@"<p style=""margin:0 0 12px 0;"">First &lt;b&gt;paragraph&lt;/b&gt;,&#xA;still the first.</p>\s*<p style=""margin:0 0 12px 0;"">Second paragraph.</p>", rendered.Html);

        // Plain text is not HTML: nothing to escape there.
        Assert.Contains("<script>alert(1)</script> Rents", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("First <b>paragraph</b>,\nstill the first.\n\nSecond paragraph.", rendered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_text_part_carries_the_same_content_with_every_link_written_out()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(services, "en", intro: "A calm fortnight.");
        var text = (await RenderAsync(services, made.Edition, EditionView.Email)).Text;

        Assert.StartsWith("The Ledger\nThe most important updates · 1 December 2026\n", text, StringComparison.Ordinal);
        Assert.Contains("A calm fortnight.", text, StringComparison.Ordinal);
        foreach (var post in new[] { made.Report, made.Design, made.News })
        {
            Assert.Contains($"{post.Title}\n{post.Lede}\n", text, StringComparison.Ordinal);
            Assert.Contains($"{Site}/en/{post.Slug}", text, StringComparison.Ordinal);
        }

        Assert.Contains($"Read this edition in your browser: {Site}/en/newsletter/2026-12-A", text, StringComparison.Ordinal);
        Assert.Contains($"Manage your preferences: {Send.PreferencesUrlPlaceholder}", text, StringComparison.Ordinal);
        Assert.Contains($"Unsubscribe: {Send.UnsubscribeUrlPlaceholder}", text, StringComparison.Ordinal);
        Assert.Contains($"Visit our website: {Site}/en/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<", text.Replace("<script>", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_tracking_there_is_no_pixel_and_no_counting_link()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(services, "en");
        var rendered = await RenderAsync(services, made.Edition, EditionView.Email);
        foreach (var part in new[] { rendered.Html, rendered.Text })
        {
            Assert.DoesNotContain("/newsletter/o/", part, StringComparison.Ordinal);
            Assert.DoesNotContain("/newsletter/c/", part, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("width=\"1\"", rendered.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_tracking_on_the_mail_has_the_pixel_and_counting_links_and_the_web_copy_still_has_neither()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite, opens: true, clicks: true);
        var made = await Editions.CreateAsync(services, "en");
        var id = made.Edition.Id;

        var email = await RenderAsync(services, made.Edition, EditionView.Email);
        Assert.Contains($"<img src=\"{Site}/newsletter/o/{id}.gif\" width=\"1\" height=\"1\" alt=\"\"", email.Html, StringComparison.Ordinal);
        foreach (var post in new[] { made.Report, made.Design, made.News })
        {
            Assert.Contains($"href=\"{Site}/newsletter/c/{id}/{post.Id}\"", email.Html, StringComparison.Ordinal);
            Assert.Contains($"{Site}/newsletter/c/{id}/{post.Id}", email.Text, StringComparison.Ordinal);
            Assert.DoesNotContain($"{Site}/en/{post.Slug}", email.Html, StringComparison.Ordinal);
        }

        // The counting addresses name the edition and the post, nothing about the reader.
        Assert.All(Regex.Matches(email.Html, @"/newsletter/[oc]/[^""\s]*").Select(m => m.Value),
            url => Assert.Matches(@"^/newsletter/(o/\d+\.gif|c/\d+/\d+)$", url));

        var web = await RenderAsync(services, made.Edition, EditionView.Web);
        foreach (var part in new[] { web.Html, web.Text })
        {
            Assert.DoesNotContain("/newsletter/o/", part, StringComparison.Ordinal);
            Assert.DoesNotContain("/newsletter/c/", part, StringComparison.Ordinal);
            Assert.Contains($"{Site}/en/{made.Report.Slug}", part, StringComparison.Ordinal);
        }

        // An editor's preview (admin, test send, CLI) counts nothing, and its reader links point at the subscribe page.
        var preview = await RenderAsync(services, made.Edition, EditionView.Preview);
        foreach (var part in new[] { preview.Html, preview.Text })
        {
            Assert.DoesNotContain("/newsletter/o/", part, StringComparison.Ordinal);
            Assert.DoesNotContain("/newsletter/c/", part, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", part, StringComparison.Ordinal);
            Assert.Contains($"{Site}/en/subscribe", part, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_editors_subject_wins_and_a_special_edition_has_its_own_default()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var chosen = await Editions.CreateAsync(services, "en", subject: "Wells, rents and a map");
        Assert.Equal("Wells, rents and a map", (await RenderAsync(services, chosen.Edition, EditionView.Email)).Subject);

        var special = await Editions.CreateAsync(services, "ar", newsletter: Edition.Special, periodKey: "2026-11-28-flood");
        var rendered = await RenderAsync(services, special.Edition, EditionView.Email);
        Assert.Equal("الدفتر: عدد خاص، ١ ديسمبر ٢٠٢٦", rendered.Subject);
        Assert.Contains($"{Site}/ar/newsletter/2026-11-28-flood", rendered.Html, StringComparison.Ordinal);
        Assert.Contains(">عدد خاص &middot;", rendered.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_unpublished_after_it_was_chosen_is_left_out()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(services, "en");
        await services.InScopeAsync(sp => sp.GetRequiredService<Broadsheet.Publishing.PostService>().UnpublishAsync(made.News.Id, Ct));

        var rendered = await RenderAsync(services, made.Edition, EditionView.Email);
        Assert.DoesNotContain(made.News.Title, rendered.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(">News<", rendered.Html, StringComparison.Ordinal);
        Assert.Contains(made.Report.Title, rendered.Html, StringComparison.Ordinal);
    }
}
