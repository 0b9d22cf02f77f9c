using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Broadsheet.Tests.Admin;

/// <summary>The editor's script in a real browser: the direction follows the post's language, the live preview, autosave.</summary>
public sealed class PostsEditorBrowserTests : IAsyncLifetime
{
    private BrowserSite _session = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestSite _site => _session.Site;

    public async ValueTask InitializeAsync() => _session = await BrowserSite.StartAsync();

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    /// <summary>A page signed in as a new staff member through the real sign-in form.</summary>
    private async Task<(IPage Page, StaffMember Member)> SignInAsync(StaffRole role, string language)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@newsroom.example";
        var member = await AdminClient.CreateMemberAsync(_site.Services, role, email, language, "Salma " + role);
        // Straight back to the posts list, so this test does not depend on the dashboard.
        var page = await _session.SignInAsync(member, "/admin/posts", 1400, 1000);
        return (page, member);
    }

    private async Task<Post> FindAsync(int id)
    {
        await using var scope = _site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking().SingleAsync(p => p.Id == id, Ct);
    }

    [Fact]
    public async Task The_editor_turns_right_to_left_for_arabic_previews_as_you_type_and_autosaves_the_draft()
    {
        var (page, member) = await SignInAsync(StaffRole.Author, "en");
        Post draft;
        await using (var scope = _site.Services.CreateAsyncScope())
        {
            draft = await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(new PostInput
            {
                Kind = PostKind.News, Language = "en", Title = "Working title", BodyMarkdown = "First line.", CreatedById = member.Id,
            }, Ct);
        }

        await page.GotoAsync(new Uri(_site.BaseAddress, $"/admin/posts/{draft.Id}").ToString());
        Assert.Equal("ltr", await page.GetAttributeAsync("#post-body", "dir"));

        await page.SelectOptionAsync("#post-language", "ar");
        Assert.Equal("rtl", await page.GetAttributeAsync("#post-body", "dir"));
        Assert.Equal("rtl", await page.GetAttributeAsync("#post-title", "dir"));
        Assert.Equal("ar", await page.GetAttributeAsync("#post-preview", "lang"));
        Assert.Equal("ltr", await page.GetAttributeAsync("html", "dir")); // the admin itself stays in the member's language

        await page.FillAsync("#post-title", "عنوان مؤقت");
        await page.FillAsync("#post-body", "## المياه\n\nسعر **الصهريج** تضاعف.\n\n<script>window.hacked = true</script>");
        await page.WaitForSelectorAsync("#post-preview strong", new PageWaitForSelectorOptions { Timeout = 5000 });
        Assert.Equal("الصهريج", await page.InnerTextAsync("#post-preview strong"));
        Assert.Equal("rtl", await page.GetAttributeAsync("#post-preview .body", "dir"));
        Assert.False(await page.EvaluateAsync<bool>("() => window.hacked === true"));

        // Autosave runs every ten seconds while something changed, and says when it saved.
        await page.WaitForSelectorAsync("#autosave-status:has-text('Saved at')", new PageWaitForSelectorOptions { Timeout = 20000 });
        var saved = await FindAsync(draft.Id);
        Assert.Equal((PostStatus.Draft, "ar", "عنوان مؤقت"), (saved.Status, saved.Language, saved.Title));
        Assert.Contains("**الصهريج**", saved.BodyMarkdown, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-post-editor-en.png"), FullPage = true });

        // On reload the page is drawn in the saved post's direction.
        await page.ReloadAsync();
        Assert.Equal("rtl", await page.GetAttributeAsync("#post-body", "dir"));
    }

    [Fact]
    public async Task The_arabic_admin_lists_posts_right_to_left_and_a_published_post_has_no_autosave()
    {
        var (page, _) = await SignInAsync(StaffRole.Editor, "ar");
        await page.GotoAsync(new Uri(_site.BaseAddress, "/admin/posts").ToString());
        Assert.Equal("rtl", await page.GetAttributeAsync("html", "dir"));
        Assert.Equal("مادة جديدة", await page.InnerTextAsync(".posts-head a.button"));
        Assert.True(await page.Locator("table.posts-list tbody tr").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-posts-ar.png"), FullPage = true });

        // A demo design: its cover is an image of the site's own, kept as "the current image".
        await page.GotoAsync(new Uri(_site.BaseAddress, "/admin/posts?kind=design&language=ar").ToString());
        await page.ClickAsync("table.posts-list tbody tr:first-child td a");
        await page.WaitForSelectorAsync("#post-form");
        Assert.Null(await page.GetAttributeAsync("#post-form", "data-autosave-url"));
        Assert.Equal("هذه المادة منشورة: تظهر تعديلاتك على الموقع عند حفظها. لا يُحفظ شيء تلقائياً.", (await page.InnerTextAsync("#autosave-status")).Trim());
        Assert.True(await page.IsCheckedAsync("input[name='cover'][value='current']"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-post-editor-ar.png"), FullPage = true });

        var preview = await page.GetAttributeAsync(".post-status a[href$='/preview']", "href");
        await page.GotoAsync(new Uri(_site.BaseAddress, preview!).ToString());
        Assert.True(await page.IsVisibleAsync(".bs-preview-banner"));
        Assert.Equal("rtl", await page.GetAttributeAsync("html", "dir"));
        Assert.Contains("معاينة", await page.InnerTextAsync(".bs-preview-banner"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("admin-post-preview-ar.png") });
    }
}
