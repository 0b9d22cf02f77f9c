using System.Text;
using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Newsletter;

/// <summary>Editors' templates: stored or built in, checked before they are saved, refused without a trace, reset, parsed once.</summary>
public sealed class NewsletterTemplatesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<TestServices> ServicesAsync(DatabaseProvider provider) =>
        TestServices.CreateAsync(provider, new Dictionary<string, string?>(), now: new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private static Task<T> WithTemplatesAsync<T>(TestServices services, Func<NewsletterTemplates, Task<T>> work) =>
        services.InScopeAsync(sp => work(sp.GetRequiredService<NewsletterTemplates>()));

    private static Task<List<NewsletterTemplate>> StoredRowsAsync(TestServices services) =>
        services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().NewsletterTemplates.AsNoTracking().ToListAsync(Ct));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_built_in_templates_serve_until_an_editor_saves_one_and_come_back_on_reset(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var defaults = await WithTemplatesAsync(services, t => Task.FromResult(t.Defaults));
        Assert.Equal(defaults, await WithTemplatesAsync(services, t => t.GetAsync(Ct)));
        Assert.Contains("{{ links.unsubscribe }}", defaults.Html, StringComparison.Ordinal);

        var custom = defaults.Html.Replace("{{ heading }} &middot;", "{{ heading }} (our fortnightly letter) &middot;", StringComparison.Ordinal);
        Assert.NotEqual(defaults.Html, custom);
        Assert.Empty(await WithTemplatesAsync(services, t => t.SaveAsync(NewsletterTemplateSet.HtmlName, custom.Replace("\n", "\r\n", StringComparison.Ordinal), staffId: null, Ct)));

        var inUse = await WithTemplatesAsync(services, t => t.GetAsync(Ct));
        Assert.Equal(custom, inUse.Html);
        Assert.Equal(defaults.Text, inUse.Text);
        var row = Assert.Single(await StoredRowsAsync(services));
        Assert.Equal(NewsletterTemplateSet.HtmlName, row.Name);
        Assert.Equal(new DateTime(2026, 11, 28, 9, 0, 0, DateTimeKind.Utc), row.UpdatedAt);

        // The renderer uses the stored template for a real edition.
        var made = await Editions.CreateAsync(services, "en");
        var rendered = await services.InScopeAsync(sp => sp.GetRequiredService<DigestRenderer>().RenderAsync(made.Edition, EditionView.Email, Ct));
        Assert.Contains("The most important updates (our fortnightly letter)", rendered.Html, StringComparison.Ordinal);

        Assert.True(await WithTemplatesAsync(services, t => t.ResetAsync(NewsletterTemplateSet.HtmlName, Ct)));
        Assert.Empty(await StoredRowsAsync(services));
        Assert.Equal(defaults, await WithTemplatesAsync(services, t => t.GetAsync(Ct)));
        Assert.False(await WithTemplatesAsync(services, t => t.ResetAsync(NewsletterTemplateSet.HtmlName, Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_template_that_does_not_parse_is_refused_with_its_line_and_column_and_nothing_changes(DatabaseProvider provider)
    {
        await using var services = await ServicesAsync(provider);
        var saved = "{{ publication }}\n{{ links.unsubscribe }}\n";
        Assert.Empty(await WithTemplatesAsync(services, t => t.SaveAsync(NewsletterTemplateSet.TextName, saved, staffId: null, Ct)));

        var broken = "{{ publication }}\n{{ links.unsubscribe }}\n{% for section in sections %}\n{{ section.title }\n";
        var errors = await WithTemplatesAsync(services, t => t.SaveAsync(NewsletterTemplateSet.TextName, broken, staffId: null, Ct));
        var error = Assert.Single(errors);
        Assert.Equal(NewsletterTemplateSet.TextName, error.Name);
        Assert.Matches(@"^The plain-text template has a mistake on line 4, column \d+: .+\.$", error.English);
        Assert.Matches(@"^في قالب النص العادي خطأ في السطر 4، العمود \d+: ", error.Arabic);

        // What was there before is still there, untouched.
        Assert.Equal(saved, Assert.Single(await StoredRowsAsync(services)).Body);
        Assert.Equal(saved, (await WithTemplatesAsync(services, t => t.GetAsync(Ct))).Text);
    }

    [Theory]
    [InlineData("{{ publication | no_such_filter }} {{ links.unsubscribe }}", "no_such_filter")]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}{{ links.unsubscribe }}", "too much work")]
    [InlineData("{% include 'appsettings' %}{{ links.unsubscribe }}", "includes another file")]
    [InlineData("<p>{{ publication }}</p>", "must keep the unsubscribe link")]
    [InlineData("   \n  ", "cannot be empty")]
    public async Task A_template_that_cannot_render_the_sample_edition_is_refused(string body, string reason)
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var error = Assert.Single(await WithTemplatesAsync(services, t => t.SaveAsync(NewsletterTemplateSet.HtmlName, body, staffId: null, Ct)));
        Assert.Contains(reason, error.English, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Arabic));
        Assert.Empty(await StoredRowsAsync(services));

        // ValidateAsync says the same about a whole set.
        var defaults = await WithTemplatesAsync(services, t => Task.FromResult(t.Defaults));
        if (!string.IsNullOrWhiteSpace(body))
        {
            Assert.Contains(reason, Assert.Single(await WithTemplatesAsync(services, t => t.ValidateAsync(defaults with { Html = body }, Ct))).English, StringComparison.Ordinal);
        }

        Assert.Empty(await WithTemplatesAsync(services, t => t.ValidateAsync(defaults, Ct)));
    }

    [Fact]
    public async Task A_template_over_100_KB_or_with_an_unknown_name_is_refused()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        var padding = new StringBuilder("{{ links.unsubscribe }}{% comment %}");
        padding.Append('x', NewsletterTemplates.MaxBodyBytes);
        padding.Append("{% endcomment %}");
        var tooLarge = Assert.Single(await WithTemplatesAsync(services, t => t.SaveAsync(NewsletterTemplateSet.TextName, padding.ToString(), staffId: null, Ct)));
        Assert.Equal("The template is larger than 100 KB.", tooLarge.English);

        var unknown = Assert.Single(await WithTemplatesAsync(services, t => t.SaveAsync("subject", "{{ links.unsubscribe }}", staffId: null, Ct)));
        Assert.Contains("html and text", unknown.English, StringComparison.Ordinal);
        Assert.Empty(await StoredRowsAsync(services));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => WithTemplatesAsync(services, t => t.ResetAsync("subject", Ct)));
    }

    [Fact]
    public async Task A_template_is_parsed_once_per_change_not_per_render()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        await using var scope = services.Scope();
        var engine = scope.ServiceProvider.GetRequiredService<NewsletterTemplateEngine>();
        Assert.Null(engine.TryParse(NewsletterTemplateSet.HtmlName, engine.Defaults.Html, out var first));
        Assert.Null(engine.TryParse(NewsletterTemplateSet.HtmlName, engine.Defaults.Html, out var again));
        Assert.Same(first, again);

        Assert.Null(engine.TryParse(NewsletterTemplateSet.HtmlName, engine.Defaults.Html + " ", out var changed));
        Assert.NotSame(first, changed);
    }

    [Fact]
    public async Task The_html_template_is_encoded_and_the_text_template_is_not()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);
        await using var scope = services.Scope();
        var templates = scope.ServiceProvider.GetRequiredService<NewsletterTemplates>();
        var set = new NewsletterTemplateSet("<b>{{ why }}</b>|{{ links.unsubscribe }}", "<b>{{ why }}</b>|{{ links.unsubscribe }}");
        var sample = templates.RenderSample("en", EditionView.Email, set);
        Assert.Equal("<b>You are receiving this newsletter from Broadsheet because you subscribed to it on our website.</b>|{{unsubscribe_url}}", sample.Html);
        Assert.Equal(sample.Html, sample.Text);

        var escaped = templates.RenderSample("en", EditionView.Email, set with { Html = "{{ '<i>&' }}|{{ links.unsubscribe }}", Text = "{{ '<i>&' }}" });
        Assert.Equal("&lt;i&gt;&amp;|{{unsubscribe_url}}", escaped.Html);
        Assert.Equal("<i>&", escaped.Text);
    }

    [Fact]
    public async Task An_editors_template_that_fails_on_a_real_edition_falls_back_to_the_built_in_one()
    {
        await using var services = await ServicesAsync(DatabaseProvider.Sqlite);

        // The sample edition's intro has two paragraphs, so the check passes; an edition with three trips the bad filter.
        var fragile = "{% if intro.size > 2 %}{{ publication | no_such_filter }}{% endif %}{{ publication }} {{ links.unsubscribe }}";
        Assert.Empty(await WithTemplatesAsync(services, t => t.SaveAsync(NewsletterTemplateSet.HtmlName, fragile, staffId: null, Ct)));
        var made = await Editions.CreateAsync(services, "en", intro: "One.\n\nTwo.\n\nThree.");

        var rendered = await services.InScopeAsync(sp => sp.GetRequiredService<DigestRenderer>().RenderAsync(made.Edition, EditionView.Email, Ct));
        Assert.StartsWith("<!DOCTYPE html>", rendered.Html, StringComparison.Ordinal);
        Assert.Contains(made.Report.Title, rendered.Html, StringComparison.Ordinal);

        // Handed the templates explicitly (the editor's preview), the renderer says what is wrong instead.
        var set = await WithTemplatesAsync(services, t => t.GetAsync(Ct));
        var thrown = await Assert.ThrowsAsync<NewsletterTemplateException>(() =>
            services.InScopeAsync(sp => sp.GetRequiredService<DigestRenderer>().RenderAsync(made.Edition, EditionView.Email, set, Ct)));
        Assert.Contains("no_such_filter", thrown.Error!.English, StringComparison.Ordinal);
    }
}
