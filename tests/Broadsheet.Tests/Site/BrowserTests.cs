using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Broadsheet.Tests.Site;

/// <summary>Real pages in a real browser, in both languages: direction, layout order, the language switch.</summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private BrowserSite _session = default!;

    private TestSite _site => _session.Site;

    public async ValueTask InitializeAsync() => _session = await BrowserSite.StartAsync();

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _session.NewPageAsync();
        var response = await page.GotoAsync(new Uri(_site.BaseAddress, path).ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        return page;
    }

    private async Task<(Post English, Post Arabic)> TranslatedReportAsync()
    {
        await using var scope = _site.Services.CreateAsyncScope();
        var posts = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking()
            .Where(p => p.Kind == PostKind.Report && p.TranslationKey != null && p.CoverImageUrl != null)
            .ToListAsync(TestContext.Current.CancellationToken);
        var english = posts.First(p => p.Language == "en");
        return (english, posts.Single(p => p.Language == "ar" && p.TranslationKey == english.TranslationKey));
    }

    private static Task<float> LeftAsync(IPage page, string selector) =>
        page.EvalOnSelectorAsync<float>(selector, "e => e.getBoundingClientRect().left");

    [Fact]
    public async Task An_english_article_reads_left_to_right()
    {
        var (english, _) = await TranslatedReportAsync();
        var page = await OpenAsync("/en/" + english.Slug);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("article-en.png"), FullPage = true });

        Assert.Equal("ltr", await page.EvalOnSelectorAsync<string>("html", "e => getComputedStyle(e).direction"));
        Assert.True(await LeftAsync(page, ".brand") < await LeftAsync(page, ".nav li:first-child"), "The masthead starts on the left.");
        Assert.Equal(english.Title, await page.InnerTextAsync("h1"));
        Assert.True(await page.IsVisibleAsync("[data-newsletter-signup]"));
        Assert.True(await page.EvalOnSelectorAsync<bool>(".cover img", "img => img.complete && img.naturalWidth > 0"), "The cover image loads.");
    }

    [Fact]
    public async Task An_arabic_article_truly_reads_right_to_left()
    {
        var (_, arabic) = await TranslatedReportAsync();
        var page = await OpenAsync("/ar/" + Uri.EscapeDataString(arabic.Slug));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("article-ar.png"), FullPage = true });

        Assert.Equal("rtl", await page.EvalOnSelectorAsync<string>("html", "e => getComputedStyle(e).direction"));
        Assert.Equal("rtl", await page.EvalOnSelectorAsync<string>(".body", "e => getComputedStyle(e).direction"));
        // The masthead starts on the right: the brand sits right of the navigation, and the first
        // navigation item (reports) right of the second (news).
        Assert.True(await LeftAsync(page, ".brand") > await LeftAsync(page, ".nav li:first-child"));
        Assert.True(await LeftAsync(page, ".nav li:nth-child(1)") > await LeftAsync(page, ".nav li:nth-child(2)"));
        // Paragraphs, list items and quotes hug the right edge of the text column.
        var right = await page.EvalOnSelectorAsync<float>(".body", "e => e.getBoundingClientRect().right");
        var paragraphRight = await page.EvalOnSelectorAsync<float>(".body p", "e => { const t = e.firstChild; const r = document.createRange(); r.setStart(t, 0); r.setEnd(t, 1); return r.getBoundingClientRect().right; }");
        Assert.InRange(paragraphRight, right - 2, right + 1);
        var bulletSide = await page.EvalOnSelectorAsync<float>(".body li", "e => e.getBoundingClientRect().right");
        var listSide = await page.EvalOnSelectorAsync<float>(".body ul", "e => e.getBoundingClientRect().right");
        Assert.True(bulletSide < listSide, "List items are indented from the right, where their bullets are.");
        var quoteBorder = await page.EvalOnSelectorAsync<string>(".body blockquote", "e => getComputedStyle(e).borderRightStyle");
        Assert.Equal("solid", quoteBorder);
        var date = await page.InnerTextAsync(".article-header time");
        Assert.Matches("^[٠-٩]+ [\\u0621-\\u064A]+ [٠-٩]{4}$", date);
    }

    [Fact]
    public async Task The_language_switch_leads_to_the_translation_and_back()
    {
        var (english, arabic) = await TranslatedReportAsync();
        var page = await OpenAsync("/en/" + english.Slug);

        await page.ClickAsync(".lang-switch a");
        await Browser.WaitForPathAsync(page, "/ar/.+");
        Assert.Equal(arabic.Title, await page.InnerTextAsync("h1"));
        Assert.Equal("ar", await page.GetAttributeAsync("html", "lang"));

        await page.ClickAsync(".lang-switch a");
        await Browser.WaitForPathAsync(page, "/en/.+");
        Assert.Equal(english.Title, await page.InnerTextAsync("h1"));
    }

    [Fact]
    public async Task A_reader_subscribes_from_an_arabic_article_and_confirms_in_the_browser()
    {
        var (_, arabic) = await TranslatedReportAsync();
        var page = await OpenAsync("/ar/" + Uri.EscapeDataString(arabic.Slug));

        Assert.Equal("ar", await page.InputValueAsync("input[name=languages]:checked"));
        await page.FillAsync("#signup-email-box", "browser.reader@example.org");
        await page.Locator("[data-newsletter-signup]").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("signup-ar.png") });
        await page.ClickAsync("[data-newsletter-signup] button[type=submit]");
        await Browser.WaitForPathAsync(page, "/ar/subscribe");
        Assert.Equal("تفقّد بريدك", await page.InnerTextAsync("h1"));

        await _site.MailSettledAsync();
        var mail = Assert.Single(Outbox.Messages(_site.Environment));
        Assert.Equal("browser.reader@example.org", mail.To.Mailboxes.Single().Address);
        var confirm = await page.GotoAsync(new Uri(_site.BaseAddress, Outbox.ConfirmPath(mail)).ToString());
        Assert.Equal(200, confirm!.Status);
        Assert.Equal("rtl", await page.GetAttributeAsync("html", "dir"));
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("h1:text('تمّ اشتراكك')");

        var subscriber = await SubscriberAsync();
        Assert.Equal(Broadsheet.Subscribers.SubscriberStatus.Active, subscriber.Status);

        // The mail provider's one-click unsubscribe: a bare POST, no cookie, no redirect.
        string manage;
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            manage = scope.ServiceProvider.GetRequiredService<Broadsheet.Subscribers.SubscriptionService>().ManageToken(subscriber.Id);
        }

        var oneClick = await page.APIRequest.PostAsync(new Uri(_site.BaseAddress, $"/unsubscribe/{manage}").ToString(),
            new APIRequestContextOptions { Form = page.APIRequest.CreateFormData().Set("List-Unsubscribe", "One-Click"), MaxRedirects = 0 });
        Assert.Equal(200, oneClick.Status);
        Assert.Equal(Broadsheet.Subscribers.SubscriberStatus.Unsubscribed, (await SubscriberAsync()).Status);
    }

    private async Task<Broadsheet.Subscribers.Subscriber> SubscriberAsync()
    {
        await using var scope = _site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Subscribers.AsNoTracking()
            .SingleAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_home_pages_render_in_both_languages()
    {
        var english = await OpenAsync("/en/");
        Assert.True(await english.Locator(".card").CountAsync() >= 6);
        await english.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("home-en.png") });

        var arabic = await OpenAsync("/ar/");
        Assert.Equal("rtl", await arabic.EvalOnSelectorAsync<string>("html", "e => getComputedStyle(e).direction"));
        Assert.True(await arabic.Locator(".card").CountAsync() >= 6);
        await arabic.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("home-ar.png") });
    }
}
