using System.Net;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>The template editor over real HTTP: editors only, previews in a sandboxed frame, refused templates unsaved, reset after asking.</summary>
public sealed partial class NewsletterTemplatesAdminTests
{
    private const string Page = "/admin/newsletter/templates";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A site without the digest's clock, so the editions here are only the test's own.</summary>
    private static async Task<TestSite> StartAsync(DatabaseProvider provider) =>
        await TestSite.StartAsync(await TestEnvironment.CreateAsync(provider), demoContent: false, services: null, ownsEnvironment: true,
            settings: new Dictionary<string, string?> { ["Broadsheet:Workers:Scheduler"] = "false" });

    private static async Task<List<NewsletterTemplate>> StoredAsync(TestSite site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().NewsletterTemplates.AsNoTracking().ToListAsync(Ct);
    }

    private static NewsletterTemplateSet Defaults(TestSite site) => site.Services.GetRequiredService<NewsletterTemplateEngine>().Defaults;

    private static string Textarea(string html, string name)
    {
        var match = Regex.Match(html, $"<textarea id=\"template-{name}\"[^>]*>(.*?)</textarea>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no textarea for {name}");
        return WebUtility.HtmlDecode(match.Groups[1].Value).TrimStart('\n');
    }

    [Fact]
    public async Task Editors_see_both_templates_their_variables_and_a_sandboxed_preview_in_each_language()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        using var response = await editor.GetAsync(Page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(Defaults(site).Html, Textarea(html, "html"));
        Assert.Equal(Defaults(site).Text, Textarea(html, "text"));
        Assert.Contains("<code dir=\"ltr\">links.preferences, links.unsubscribe</code>", html, StringComparison.Ordinal);
        Assert.Contains("A sample English edition (no edition is being prepared)", html, StringComparison.Ordinal);
        Assert.Contains("A sample Arabic edition (no edition is being prepared)", html, StringComparison.Ordinal);
        Assert.Contains($"<iframe class=\"mail-frame\" sandbox src=\"{Page}/preview/en\"", html, StringComparison.Ordinal);
        Assert.Contains($"<iframe class=\"mail-frame\" sandbox src=\"{Page}/preview/ar\"", html, StringComparison.Ordinal);
        Assert.Contains("The built-in template is in use.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Back to the built-in template", html, StringComparison.Ordinal);

        using var frame = await editor.GetAsync($"{Page}/preview/ar");
        Assert.Equal(HttpStatusCode.OK, frame.StatusCode);
        Assert.StartsWith("sandbox; default-src 'none'", frame.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", frame.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", frame.Headers.CacheControl?.ToString());
        var preview = await frame.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", preview, StringComparison.Ordinal);
        Assert.Contains("عنوان تقرير تجريبي", preview, StringComparison.Ordinal);

        using var unknown = await editor.GetAsync($"{Page}/preview/fr");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_preview_shows_the_next_edition_being_prepared()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        var made = await Editions.CreateAsync(site.Services, "en", EditionStatus.Draft);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var html = await editor.GetStringAsync(Page);
        Assert.Contains("The next English edition (2026-12-A)", html, StringComparison.Ordinal);
        Assert.Contains("A sample Arabic edition", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(made.Report.Title), html, StringComparison.Ordinal);

        var frame = await editor.GetStringAsync($"{Page}/preview/en");
        Assert.Contains(made.Report.Title, frame, StringComparison.Ordinal);
        // An editor's preview: the reader's own links point at the subscribe page, and nothing is left for the engine to fill.
        Assert.DoesNotContain(Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder, frame, StringComparison.Ordinal);
        Assert.Contains("/en/subscribe", frame, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_template_is_saved_and_shown_and_can_be_reset_after_a_confirmation()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var body = Defaults(site).Text.Replace("{{ why }}", "{{ why }}\nReply to this mail: we read every answer.", StringComparison.Ordinal);
        using (var saved = await editor.PostFormAsync($"{Page}/text", new Dictionary<string, string> { ["body"] = body }))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            Assert.Equal($"{Page}?notice=saved", saved.Headers.Location?.OriginalString);
        }

        var row = Assert.Single(await StoredAsync(site));
        Assert.Equal((NewsletterTemplateSet.TextName, body, editor.Member!.Id), (row.Name, row.Body, row.UpdatedById!.Value));

        var page = await editor.GetStringAsync($"{Page}?notice=saved");
        Assert.Contains("The template was checked and saved.", page, StringComparison.Ordinal);
        Assert.Equal(body, Textarea(page, "text"));
        Assert.Contains("Reply to this mail: we read every answer.", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"{Page}/text/reset\"", page, StringComparison.Ordinal);

        // Going back asks first, on a page of its own; the POST does it.
        var confirm = await editor.GetStringAsync($"{Page}/text/reset");
        Assert.Contains("Go back to the built-in plain-text template?", confirm, StringComparison.Ordinal);
        Assert.Contains($"action=\"{Page}/text/reset\"", confirm, StringComparison.Ordinal);
        Assert.Single(await StoredAsync(site));

        using (var reset = await editor.PostFormAsync($"{Page}/text/reset", []))
        {
            Assert.Equal($"{Page}?notice=reset", reset.Headers.Location?.OriginalString);
        }

        Assert.Empty(await StoredAsync(site));
        Assert.Equal(Defaults(site).Text, Textarea(await editor.GetStringAsync(Page), "text"));
    }

    [Fact]
    public async Task A_template_with_a_mistake_is_shown_again_with_the_reason_in_the_admins_language_and_nothing_is_saved()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");
        var broken = "<p>{{ publication }}</p>\n{% if links.unsubscribe %}\n<a href=\"{{ links.unsubscribe }}\">x</a>\n";
        using var refused = await editor.PostFormAsync($"{Page}/html", new Dictionary<string, string> { ["body"] = broken });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync(Ct);
        var error = Regex.Match(html, "<p class=\"error\" role=\"alert\">(.*?)</p>", RegexOptions.Singleline);
        Assert.True(error.Success);
        Assert.Matches("^في قالب HTML خطأ في السطر \\d+، العمود \\d+: ", WebUtility.HtmlDecode(error.Groups[1].Value));
        Assert.Equal(broken, Textarea(html, "html"));
        Assert.Empty(await StoredAsync(site));

        // Too large is a clear refusal too, not an error page.
        using var large = await editor.PostFormAsync($"{Page}/text", new Dictionary<string, string> { ["body"] = "{{ links.unsubscribe }}" + new string('x', 120 * 1024) });
        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        Assert.Contains("القالب أكبر من 100 كيلوبايت.", await large.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(site));
    }

    [Fact]
    public async Task Only_editors_and_above_reach_the_editor_and_unknown_templates_are_not_found()
    {
        await using var site = await StartAsync(DatabaseProvider.Sqlite);
        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);
        using (var page = await author.GetAsync(Page))
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        }

        using (var save = await author.PostFormAsync($"{Page}/html", new Dictionary<string, string> { ["body"] = "{{ links.unsubscribe }}" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        }

        Assert.Empty(await StoredAsync(site));

        using var administrator = await AdminClient.SignInAsync(site, StaffRole.Administrator);
        using (var page = await administrator.GetAsync(Page))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var unknown = await administrator.PostFormAsync($"{Page}/subject", new Dictionary<string, string> { ["body"] = "{{ links.unsubscribe }}" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var unknownReset = await administrator.GetAsync($"{Page}/subject/reset"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownReset.StatusCode);
        }

        using var anonymous = AdminClient.Anonymous(site);
        using var signIn = await anonymous.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/admin/login", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
