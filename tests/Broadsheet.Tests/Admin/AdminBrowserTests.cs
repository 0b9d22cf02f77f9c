using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Tests.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// The admin in a real browser (Debian's Chromium): the first run, signing in and the lockout, and the main pages in both
/// languages, with screenshots (into docs/screenshots when BROADSHEET_SCREENSHOTS=docs/screenshots).
/// </summary>
public sealed class AdminBrowserTests : IAsyncLifetime
{
    private BrowserSite _session = default!;

    private TestSite _site => _session.Site;

    public async ValueTask InitializeAsync() => _session = await BrowserSite.StartAsync();

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private Task<IPage> NewPageAsync() => _session.NewPageAsync();

    [Fact]
    public async Task The_owner_sets_up_the_newsroom_then_a_wrong_password_five_times_locks_the_account()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/admin");
        Assert.EndsWith("/admin/setup", page.Url, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-setup-en.png"), FullPage = true });

        await page.FillAsync("#name", "Rana Haddad");
        await page.FillAsync("#email", "rana@newsroom.example");
        await page.FillAsync("#password", AdminClient.Password);
        await page.CheckAsync("input[name=language][value=en]");
        await page.ClickAsync("button[type=submit]");
        await Browser.WaitForPathAsync(page, "/admin");
        Assert.Equal("Dashboard", await page.TextContentAsync("h1"));
        Assert.Contains("Rana Haddad", await page.TextContentAsync(".admin-me") ?? "", StringComparison.Ordinal);

        await page.ClickAsync("text=Sign out");
        await Browser.WaitForPathAsync(page, "/admin/login");
        for (var i = 0; i < StaffService.MaxFailedSignIns; i++)
        {
            await page.FillAsync("#email", "rana@newsroom.example");
            await page.FillAsync("#password", "not my password");
            await page.ClickAsync("button[type=submit]");
        }

        Assert.Contains("locked until", await page.TextContentAsync("[role=alert]") ?? "", StringComparison.Ordinal);
        await page.FillAsync("#email", "rana@newsroom.example");
        await page.FillAsync("#password", AdminClient.Password);
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("locked until", await page.TextContentAsync("[role=alert]") ?? "", StringComparison.Ordinal);
        Assert.EndsWith("/admin/login", page.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "ltr")]
    [InlineData("ar", "rtl")]
    public async Task The_main_pages_read_in_the_staff_members_language_and_direction(string language, string direction)
    {
        var owner = await AdminClient.CreateMemberAsync(_site.Services, StaffRole.Owner, $"owner-{language}@newsroom.example", language, language == "ar" ? "رنا حداد" : "Rana Haddad");
        var page = await SignInAsync(owner);

        foreach (var (path, name) in new[] { ("/admin", "dashboard"), ("/admin/posts", "posts"), ("/admin/subscribers", "subscribers"), ("/admin/outbox", "outbox"), ("/admin/staff", "staff"), ("/admin/settings", "settings"), ("/admin/account", "account") })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            Assert.Equal(direction, await page.GetAttributeAsync("html", "dir"));
            Assert.Equal(direction, await page.EvalOnSelectorAsync<string>("main", "e => getComputedStyle(e).direction"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath($"admin-{name}-{language}.png"), FullPage = true });
        }

        // The navigation starts on the reading side: left in English, right in Arabic.
        var brand = await page.EvalOnSelectorAsync<float>(".admin-brand", "e => e.getBoundingClientRect().left");
        var me = await page.EvalOnSelectorAsync<float>(".admin-me", "e => e.getBoundingClientRect().left");
        Assert.True(direction == "ltr" ? brand < me : brand > me, $"brand at {brand}, account links at {me}");
    }

    private Task<IPage> SignInAsync(StaffMember member) => _session.SignInAsync(member);

    /// <summary>
    /// Issue 5's walk-through: a contributor writes an Arabic design with an uploaded image and has no way to publish
    /// it; an editor publishes it; it is on the site; a reader subscribes under it; the confirmation is in the outbox
    /// viewer. (The issue says "an author"; authors publish their own posts by the roles it sets, so the one who
    /// cannot publish is a contributor.)
    /// </summary>
    [Fact]
    public async Task A_design_goes_from_a_contributors_draft_to_the_site_and_a_readers_confirmation_reaches_the_outbox()
    {
        var ct = TestContext.Current.CancellationToken;
        await AdminClient.CreateMemberAsync(_site.Services, StaffRole.Owner, "owner@newsroom.example");
        var contributor = await AdminClient.CreateMemberAsync(_site.Services, StaffRole.Contributor, "salma@newsroom.example", "ar", "سلمى");
        var editor = await AdminClient.CreateMemberAsync(_site.Services, StaffRole.Editor, "karim@newsroom.example", "ar", "كريم");

        // The contributor uploads the graphic (alt text required) and writes the design around it.
        var writer = await SignInAsync(contributor);
        await writer.GotoAsync("/admin/media");
        await writer.SetInputFilesAsync("#media-file", new FilePayload { Name = "wells-map.jpg", MimeType = "image/jpeg", Buffer = MediaImages.Jpeg(1800, 1200) });
        await writer.FillAsync("#media-alt", "خريطة تبيّن توزيع آبار المدن الثلاث على ضفتي النهر");
        await writer.ClickAsync("form[enctype='multipart/form-data'] button[type=submit]");
        int mediaId;
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            mediaId = (await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Media.SingleAsync(ct)).Id;
        }

        await writer.GotoAsync("/admin/posts/new");
        await writer.SelectOptionAsync("#post-kind", "design");
        await writer.SelectOptionAsync("#post-language", "ar");
        Assert.Equal("rtl", await writer.GetAttributeAsync("#post-body", "dir"));
        await writer.FillAsync("#post-title", "من يملك آبار النهر؟ خريطة");
        await writer.FillAsync("#post-lede", "خريطة واحدة تبيّن كيف توزّعت تصاريح الآبار على المقاولين في ثلاث مدن.");
        await writer.FillAsync("#post-body", "## ماذا تبيّن الخريطة\n\nكل نقطة بئر مرخّصة، ولونها يدل على صاحب التصريح.");
        await writer.CheckAsync($"input[name=cover][value='{mediaId}']");
        Assert.Equal(0, await writer.Locator("button[name=action][value=publish]").CountAsync());
        await writer.ClickAsync("button[name=action][value=save]");
        await Browser.WaitForPathAsync(writer, "/admin/posts/[^/]+");
        Assert.Equal(0, await writer.Locator("button[name=action][value=publish]").CountAsync());
        await writer.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-editor-design-ar.png"), FullPage = true });

        Post draft;
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            draft = await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().SingleAsync(p => p.CreatedById == contributor.Id, ct);
        }

        Assert.Equal(PostStatus.Draft, draft.Status);
        Assert.Equal(mediaId, draft.CoverMediaId);
        using (var anonymous = AdminClient.Anonymous(_site))
        {
            using var hidden = await anonymous.GetAsync($"/ar/{Uri.EscapeDataString(draft.Slug)}");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, hidden.StatusCode);
        }

        // The editor publishes it.
        var desk = await SignInAsync(editor);
        await desk.GotoAsync($"/admin/posts/{draft.Id}");
        await desk.ClickAsync("button[name=action][value=publish]");
        await Browser.WaitForPathAsync(desk, $"/admin/posts/{draft.Id}.*");
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            Assert.Equal(PostStatus.Published, (await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().SingleAsync(p => p.Id == draft.Id, ct)).Status);
        }

        // A reader finds it on the site, with its image and alt text, and subscribes under it.
        var reader = await NewPageAsync();
        var article = await reader.GotoAsync($"/ar/{Uri.EscapeDataString(draft.Slug)}");
        Assert.Equal(200, article!.Status);
        Assert.Equal("من يملك آبار النهر؟ خريطة", await reader.TextContentAsync("h1"));
        Assert.Equal("خريطة تبيّن توزيع آبار المدن الثلاث على ضفتي النهر", await reader.GetAttributeAsync("main img", "alt"));
        var srcset = await reader.GetAttributeAsync("main img", "srcset") ?? "";
        Assert.Contains("-480.jpg 480w", srcset, StringComparison.Ordinal);
        Assert.Contains("-1600.jpg 1600w", srcset, StringComparison.Ordinal);
        Assert.True(await reader.EvalOnSelectorAsync<bool>("main img", "i => i.complete && i.naturalWidth > 0"), "the cover image loads from /media");
        await reader.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("site-design-ar.png"), FullPage = true });
        var signup = reader.Locator("form.signup").Last;
        await signup.Locator("input[name=email]").FillAsync("reader@example.org");
        await signup.Locator("button[type=submit]").ClickAsync();
        await Browser.WaitForPathAsync(reader, "/ar/subscribe");

        // The confirmation, in Arabic, in the outbox viewer (the delivery worker writes it a moment after the signup).
        var link = desk.Locator("a[href^='/admin/outbox/']", new() { HasTextString = "أكّد اشتراكك" });
        for (var waited = 0; waited < 100 && await link.CountAsync() == 0; waited++)
        {
            await desk.GotoAsync("/admin/outbox");
            if (await link.CountAsync() == 0)
            {
                await Task.Delay(200, ct);
            }
        }

        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-outbox-confirmation-ar.png"), FullPage = true });
        Assert.Equal(1, await link.CountAsync());
        await link.ClickAsync();
        await desk.WaitForSelectorAsync("iframe.mail-frame");
        var frame = desk.FrameLocator("iframe.mail-frame");
        Assert.Contains("تأكيد الاشتراك", await frame.Locator("body").TextContentAsync() ?? "", StringComparison.Ordinal);
        await desk.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-outbox-message-ar.png"), FullPage = true });
    }
}
