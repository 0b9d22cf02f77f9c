using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>
/// The posts area of the admin through the real host and the real sign-in: the list, the editor's actions for each
/// role (and the 403 for every one a role may not take), refusals, the previews and autosave.
/// </summary>
public sealed partial class PostsAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Any page every staff member may open, to take the form token from.</summary>
    private const string TokenPage = "/admin/posts";

    private static async Task<Post> CreateAsync(TestSite site, PostInput input)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(input, Ct);
    }

    private static async Task<Post?> FindAsync(TestSite site, int id)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.AsNoTracking()
            .Include(p => p.Tags).Include(p => p.Authors).FirstOrDefaultAsync(p => p.Id == id, Ct);
    }

    private static async Task<int> CountAsync(TestSite site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Posts.CountAsync(Ct);
    }

    private static async Task AddAuthorAsync(TestSite site, string slug, string nameEn, string nameAr)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        db.Authors.Add(new Author { Slug = slug, NameEn = nameEn, NameAr = nameAr });
        await db.SaveChangesAsync(Ct);
    }

    private static async Task<MediaItem> AddMediaAsync(TestSite site, string alt)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var item = new MediaItem
        {
            Key = Guid.NewGuid().ToString("N"), Extension = "jpg", Width = 2000, Height = 1000, Widths = "480,960,1600",
            Bytes = 1234, Alt = alt, OriginalName = "chart.jpg", CreatedAt = DateTime.UtcNow,
        };
        db.Media.Add(item);
        await db.SaveChangesAsync(Ct);
        return item;
    }

    private static PostInput Draft(string title, StaffMember? by, PostKind kind = PostKind.News, string language = "en") => new()
    {
        Kind = kind, Language = language, Title = title, Lede = "A lede.", BodyMarkdown = "Some words.", CreatedById = by?.Id,
    };

    private static List<KeyValuePair<string, string>> Fields(string title, string action = "save", string kind = "news", string language = "en",
        params (string Name, string Value)[] more)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("kind", kind), new("language", language), new("title", title), new("lede", "The lede of " + title),
            new("body", "Body of the post.\n\n**Strong** words."), new("priority", "0"), new("action", action),
        };
        foreach (var (name, value) in more)
        {
            fields.RemoveAll(f => f.Key == name);
            fields.Add(new(name, value));
        }

        return fields;
    }

    private static async Task<HttpStatusCode> PostAsync(AdminClient client, string path, List<KeyValuePair<string, string>>? fields = null, bool withToken = true)
    {
        using var response = await client.PostFormAsync(path, fields ?? [], TokenPage, withToken);
        return response.StatusCode;
    }

    /// <summary>Creates a post through the form and returns its id from the redirect.</summary>
    private static async Task<int> CreateThroughFormAsync(AdminClient client, List<KeyValuePair<string, string>> fields)
    {
        using var response = await client.PostFormAsync("/admin/posts/new", fields, TokenPage);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var match = PostLocation().Match(response.Headers.Location!.OriginalString);
        Assert.True(match.Success, response.Headers.Location.OriginalString);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string LocalInput(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById("Asia/Damascus")).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static int Rows(string html) => ListRow().Count(html);

    [GeneratedRegex(@"^/admin/posts/(\d+)\?notice=")]
    private static partial Regex PostLocation();

    [GeneratedRegex("<td lang=\"(?:en|ar)\"")]
    private static partial Regex ListRow();

    // --- The list ---------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_list_filters_by_kind_language_status_byline_and_tag_and_pages_newest_first(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        Assert.Contains("No posts yet", await editor.GetStringAsync("/admin/posts"), StringComparison.Ordinal);

        await AddAuthorAsync(site, "rania", "Rania Haddad", "رانيا حداد");
        var start = DateTime.UtcNow.AddDays(-40);
        for (var i = 1; i <= 27; i++)
        {
            await CreateAsync(site, Draft($"Dispatch {i:00}", editor.Member) with { Status = PostStatus.Published, PublishAt = start.AddDays(i) });
        }

        await CreateAsync(site, Draft("تقرير المياه", editor.Member, PostKind.Report, "ar") with
        {
            Tags = ["مياه"], AuthorSlugs = ["rania"], Status = PostStatus.Published, PublishAt = start,
        });
        await CreateAsync(site, Draft("Unfinished draft", editor.Member));

        var first = await editor.GetStringAsync("/admin/posts");
        Assert.Equal(25, Rows(first));
        Assert.Contains("Page 1 of 2 · 29 posts", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/posts/new\"", first, StringComparison.Ordinal);
        // Newest first: the draft (started today), then the latest dispatch; the oldest are on page two.
        Assert.True(first.IndexOf("Unfinished draft", StringComparison.Ordinal) < first.IndexOf("Dispatch 27", StringComparison.Ordinal));
        Assert.True(first.IndexOf("Dispatch 27", StringComparison.Ordinal) < first.IndexOf("Dispatch 26", StringComparison.Ordinal));
        Assert.Contains(LocalInput(start.AddDays(27)).Replace('T', ' '), first, StringComparison.Ordinal); // the publish time, in the zone
        Assert.Contains("status-draft", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Dispatch 02", first, StringComparison.Ordinal);

        var second = await editor.GetStringAsync("/admin/posts?page=2");
        Assert.Equal(4, Rows(second));
        Assert.Contains("Dispatch 01", second, StringComparison.Ordinal);
        Assert.Contains("تقرير المياه", second, StringComparison.Ordinal);

        foreach (var query in new[] { "kind=report", "language=ar", "author=rania", "tag=مياه", "kind=report&language=ar&status=published" })
        {
            var filtered = await editor.GetStringAsync("/admin/posts?" + query);
            Assert.Equal(1, Rows(filtered));
            Assert.Contains("تقرير المياه", filtered, StringComparison.Ordinal);
        }

        var drafts = await editor.GetStringAsync("/admin/posts?status=draft");
        Assert.Equal(1, Rows(drafts));
        Assert.Contains("Unfinished draft", drafts, StringComparison.Ordinal);

        var none = await editor.GetStringAsync("/admin/posts?kind=design");
        Assert.Equal(0, Rows(none));
        Assert.Contains("No post matches these filters.", none, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Contributors_and_authors_see_their_own_posts_and_the_published_ones_editors_see_all(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);
        using var contributor = await AdminClient.SignInAsync(site, StaffRole.Contributor);
        var editorsDraft = await CreateAsync(site, Draft("Editor's secret draft", editor.Member));
        await CreateAsync(site, Draft("Contributor's own draft", contributor.Member));
        await CreateAsync(site, Draft("Public dispatch", editor.Member) with { Status = PostStatus.Published });

        foreach (var client in new[] { author, contributor })
        {
            var list = await client.GetStringAsync("/admin/posts");
            Assert.DoesNotContain("Editor&#x27;s secret draft", list, StringComparison.Ordinal);
            Assert.DoesNotContain("Editor's secret draft", list, StringComparison.Ordinal);
            Assert.Contains("Public dispatch", list, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/admin/posts/{editorsDraft.Id}/preview")).StatusCode);
        }

        Assert.Contains("Contributor&#x27;s own draft", await contributor.GetStringAsync("/admin/posts"), StringComparison.Ordinal);
        Assert.DoesNotContain("Contributor&#x27;s own draft", await author.GetStringAsync("/admin/posts"), StringComparison.Ordinal);
        var all = await editor.GetStringAsync("/admin/posts");
        Assert.Equal(3, Rows(all));
    }

    // --- Roles ------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_contributor_writes_and_edits_their_own_drafts_and_can_do_nothing_else(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var contributor = await AdminClient.SignInAsync(site, StaffRole.Contributor);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);

        var editorPage = await contributor.GetStringAsync("/admin/posts/new");
        Assert.Contains("You write drafts; an editor publishes them.", editorPage, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"publish\"", editorPage, StringComparison.Ordinal); // no button they may not use

        var id = await CreateThroughFormAsync(contributor, Fields("Notes from the market"));
        var post = await FindAsync(site, id);
        Assert.Equal((PostStatus.Draft, contributor.Member!.Id, "notes-from-the-market"), (post!.Status, post.CreatedById, post.Slug));

        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(contributor, $"/admin/posts/{id}", Fields("Notes from the old market")));
        Assert.Equal("Notes from the old market", (await FindAsync(site, id))!.Title);

        // Never publish or schedule: not a new post, not their own draft; nothing is written.
        var count = await CountAsync(site);
        var later = LocalInput(DateTime.UtcNow.AddDays(2));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, "/admin/posts/new", Fields("Straight to print", "publish")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, "/admin/posts/new", Fields("Straight to print", "schedule", more: ("publish_at", later))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}", Fields("Published by me", "publish")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}", Fields("Scheduled by me", "schedule", more: ("publish_at", later))));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}/unpublish"));
        Assert.Equal(count, await CountAsync(site));
        post = await FindAsync(site, id);
        Assert.Equal((PostStatus.Draft, "Notes from the old market"), (post!.Status, post.Title));

        // Once an editor publishes it, it is no longer theirs to change.
        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(editor, $"/admin/posts/{id}", Fields("Notes from the old market", "publish")));
        Assert.Equal(PostStatus.Published, (await FindAsync(site, id))!.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.GetAsync($"/admin/posts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}", Fields("Quietly changed")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}/autosave", Fields("Quietly changed")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}/unpublish"));
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.GetAsync($"/admin/posts/{id}/delete")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(contributor, $"/admin/posts/{id}/delete"));
        post = await FindAsync(site, id);
        Assert.Equal((PostStatus.Published, "Notes from the old market"), (post!.Status, post.Title));
        // The list leads them to its preview instead of the editor, and the preview opens.
        Assert.Contains($"href=\"/admin/posts/{id}/preview\"", await contributor.GetStringAsync("/admin/posts"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await contributor.GetAsync($"/admin/posts/{id}/preview")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Every_action_on_someone_elses_post_is_refused_to_contributors_and_authors(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var draft = await CreateAsync(site, Draft("The editor's draft", editor.Member));
        var published = await CreateAsync(site, Draft("The editor's dispatch", editor.Member) with { Status = PostStatus.Published });
        var later = LocalInput(DateTime.UtcNow.AddDays(2));

        foreach (var role in new[] { StaffRole.Contributor, StaffRole.Author })
        {
            using var client = await AdminClient.SignInAsync(site, role);
            foreach (var post in new[] { draft, published })
            {
                var path = $"/admin/posts/{post.Id}";
                Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
                Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, path, Fields("Taken over")));
                Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, path, Fields("Taken over", "publish")));
                Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, path, Fields("Taken over", "schedule", more: ("publish_at", later))));
                Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, path + "/autosave", Fields("Taken over")));
                Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, path + "/unpublish"));
                Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path + "/delete")).StatusCode);
                Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, path + "/delete"));
            }

            // Nor may they tie their own post to a draft they cannot see as its translation.
            var own = await CreateAsync(site, Draft("My own " + role, client.Member, language: "ar"));
            Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, $"/admin/posts/{own.Id}",
                Fields("My own " + role, language: "ar", more: ("translation_of", draft.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            Assert.Null((await FindAsync(site, draft.Id))!.TranslationKey);
        }

        var (d, p) = ((await FindAsync(site, draft.Id))!, (await FindAsync(site, published.Id))!);
        Assert.Equal((PostStatus.Draft, "The editor's draft"), (d.Status, d.Title));
        Assert.Equal((PostStatus.Published, "The editor's dispatch"), (p.Status, p.Title));
        Assert.Equal(HttpStatusCode.OK, (await site.Client.FetchAsync("/en/the-editor-s-dispatch")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_author_publishes_schedules_unpublishes_and_deletes_their_own_posts(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);

        var id = await CreateThroughFormAsync(author, Fields("Harbour cranes idle", "publish", more: ("tags", "Ports, Trade")));
        var post = await FindAsync(site, id);
        Assert.Equal(PostStatus.Published, post!.Status);
        Assert.Equal(["ports", "trade"], post.Tags.Select(t => t.Slug).Order().ToArray());
        Assert.Equal(HttpStatusCode.OK, (await site.Client.FetchAsync("/en/harbour-cranes-idle")).Status);
        Assert.Contains("The post is published.", await author.GetStringAsync($"/admin/posts/{id}?notice=published"), StringComparison.Ordinal);

        // Saving a published post keeps it published, and the site shows the edit at once.
        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(author, $"/admin/posts/{id}", Fields("Harbour cranes stand idle")));
        Assert.Equal(PostStatus.Published, (await FindAsync(site, id))!.Status);
        Assert.Contains("Harbour cranes stand idle", (await site.Client.FetchAsync("/en/harbour-cranes-idle")).Body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(author, $"/admin/posts/{id}/unpublish"));
        Assert.Equal(PostStatus.Draft, (await FindAsync(site, id))!.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/harbour-cranes-idle")).Status);

        var at = DateTime.UtcNow.AddDays(3);
        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(author, $"/admin/posts/{id}", Fields("Harbour cranes stand idle", "schedule", more: ("publish_at", LocalInput(at)))));
        post = await FindAsync(site, id);
        Assert.Equal(PostStatus.Scheduled, post!.Status);
        // Typed in the publication's time zone, stored in UTC, to the minute.
        Assert.Equal(new DateTime(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, DateTimeKind.Utc), post.PublishAt);
        Assert.Contains("Scheduled for", await author.GetStringAsync($"/admin/posts/{id}"), StringComparison.Ordinal);

        var confirm = await author.GetStringAsync($"/admin/posts/{id}/delete");
        Assert.Contains("Delete “Harbour cranes stand idle” for good?", confirm, StringComparison.Ordinal);
        using var deleted = await author.PostFormAsync($"/admin/posts/{id}/delete", [], TokenPage);
        Assert.Equal("/admin/posts?notice=deleted", deleted.Headers.Location!.OriginalString);
        Assert.Null(await FindAsync(site, id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Editors_administrators_and_the_owner_publish_and_take_down_anyones_post(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner); // the owner first: set-up needs an empty staff
        using var contributor = await AdminClient.SignInAsync(site, StaffRole.Contributor);
        foreach (var role in new[] { StaffRole.Editor, StaffRole.Administrator, StaffRole.Owner })
        {
            using var client = role == StaffRole.Owner ? null : await AdminClient.SignInAsync(site, role);
            var id = await CreateThroughFormAsync(contributor, Fields("Story for " + role));
            var slug = "story-for-" + role.ToString().ToLowerInvariant();

            var staff = client ?? owner;
            Assert.Equal(HttpStatusCode.Redirect, await PostAsync(staff, $"/admin/posts/{id}", Fields("Story for " + role, "publish")));
            Assert.Equal(HttpStatusCode.OK, (await site.Client.FetchAsync("/en/" + slug)).Status);
            Assert.Equal(contributor.Member!.Id, (await FindAsync(site, id))!.CreatedById); // the creator stays the creator

            Assert.Equal(HttpStatusCode.Redirect, await PostAsync(staff, $"/admin/posts/{id}/unpublish"));
            Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/en/" + slug)).Status);

            Assert.Equal(HttpStatusCode.Redirect, await PostAsync(staff, $"/admin/posts/{id}", Fields("Story for " + role, "schedule", more: ("publish_at", LocalInput(DateTime.UtcNow.AddHours(5))))));
            Assert.Equal(PostStatus.Scheduled, (await FindAsync(site, id))!.Status);

            Assert.Equal(HttpStatusCode.Redirect, await PostAsync(staff, $"/admin/posts/{id}/delete"));
            Assert.Null(await FindAsync(site, id));
        }
    }

    // --- Refusals ---------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_design_may_be_drafted_without_a_cover_but_not_published_until_it_has_one_with_alt_text(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");
        var id = await CreateThroughFormAsync(editor, Fields("خريطة الآبار", kind: "design", language: "ar"));

        using (var refused = await editor.PostFormAsync($"/admin/posts/{id}", Fields("خريطة الآبار", "publish", "design", "ar"), TokenPage))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await refused.Content.ReadAsStringAsync(Ct);
            Assert.Contains("يحتاج التصميم إلى صورة غلاف مع نص بديل قبل نشره.", page, StringComparison.Ordinal);
            Assert.Contains("value=\"خريطة الآبار\"", page, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, $"/admin/posts/{id}",
            Fields("خريطة الآبار", "schedule", "design", "ar", ("publish_at", LocalInput(DateTime.UtcNow.AddDays(1))))));
        Assert.Equal(PostStatus.Draft, (await FindAsync(site, id))!.Status);

        // An upload as the cover: with no alt text typed, the one given at upload describes it.
        var media = await AddMediaAsync(site, "خريطة تُظهر الآبار الجافة");
        Assert.Contains(media.UrlFor(480), await editor.GetStringAsync($"/admin/posts/{id}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(editor, $"/admin/posts/{id}",
            Fields("خريطة الآبار", "publish", "design", "ar", ("cover", media.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        var post = await FindAsync(site, id);
        Assert.Equal((PostStatus.Published, media.Id, media.UrlFor(1600), "خريطة تُظهر الآبار الجافة"),
            (post!.Status, post.CoverMediaId, post.CoverImageUrl, post.CoverImageAlt));
        Assert.Contains(media.UrlFor(1600), (await site.Client.FetchAsync("/ar/" + Uri.EscapeDataString(post.Slug))).Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bad_input_comes_back_with_400_the_reason_in_the_members_language_and_nothing_written(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        using var arabic = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");
        var existing = await CreateAsync(site, Draft("Standing title", editor.Member));
        var count = await CountAsync(site);

        var cases = new (AdminClient Client, List<KeyValuePair<string, string>> Fields, string Expected)[]
        {
            (editor, Fields("   ", more: ("lede", "A lede worth keeping")), "A post needs a title."),
            (arabic, Fields("", more: ("lede", "A lede worth keeping")), "تحتاج المادة إلى عنوان."),
            (editor, Fields("Reserved", more: ("slug", "admin")), "reserved word"),
            (arabic, Fields("Reserved", more: ("slug", "admin")), "كلمة محجوزة"),
            (editor, Fields("Priority", more: ("priority", "high")), "The priority must be a whole number."),
            (editor, Fields("Time", more: ("publish_at", "next tuesday")), "The publish time is not a date and time"),
            (editor, Fields("Past", "schedule", more: ("publish_at", LocalInput(DateTime.UtcNow.AddDays(-1)))), "That publish time has passed"),
            (editor, Fields("No time", "schedule"), "Give a publish time to schedule the post."),
            (arabic, Fields("No time", "schedule"), "حدّد وقت نشر لجدولة المادة."),
            (editor, Fields("Kind", kind: "poem"), "Choose a kind"),
            (editor, Fields("Ghost", more: ("authors", "nobody")), "Unknown author: nobody."),
            (arabic, Fields("Ghost", more: ("authors", "nobody")), "كاتب غير معروف: nobody."),
            (editor, Fields("Lost image", more: ("cover", "9999")), "There is no uploaded image 9999."),
            (editor, Fields("What", "launch"), "Choose what to do"),
        };
        foreach (var (client, fields, expected) in cases)
        {
            using var response = await client.PostFormAsync("/admin/posts/new", fields, TokenPage);
            var page = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, page, StringComparison.Ordinal);
            Assert.Contains(fields.First(f => f.Key == "lede").Value, page, StringComparison.Ordinal); // the typed input is kept
        }

        Assert.Equal(count, await CountAsync(site));

        // Editing: the same, and the saved post is untouched.
        using (var taken = await editor.PostFormAsync($"/admin/posts/{existing.Id}", Fields("Standing title, edited", "save", "news", "en", ("slug", "standing-title-2"), ("lede", "New lede")), TokenPage))
        {
            Assert.Equal(HttpStatusCode.Redirect, taken.StatusCode);
        }

        await CreateAsync(site, Draft("Another one", editor.Member) with { Slug = "taken-slug" });
        using (var clash = await arabic.PostFormAsync($"/admin/posts/{existing.Id}", Fields("Renamed", more: ("slug", "taken-slug")), TokenPage))
        {
            Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);
            Assert.Contains("لمادة أخرى بهذه اللغة المسار «taken-slug» بالفعل.", await clash.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var after = await FindAsync(site, existing.Id);
        Assert.Equal(("Standing title, edited", "standing-title-2"), (after!.Title, after.Slug));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Every_posts_form_without_its_token_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var draft = await CreateAsync(site, Draft("Kept as it is", editor.Member));
        var published = await CreateAsync(site, Draft("Stays public", editor.Member) with { Status = PostStatus.Published });
        var count = await CountAsync(site);

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, "/admin/posts/new", Fields("Sneaked in", "publish"), withToken: false));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, $"/admin/posts/{draft.Id}", Fields("Sneaked edit", "publish"), withToken: false));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, $"/admin/posts/{draft.Id}/autosave", Fields("Sneaked edit"), withToken: false));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, $"/admin/posts/{published.Id}/unpublish", withToken: false));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, $"/admin/posts/{draft.Id}/delete", withToken: false));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(editor, "/admin/posts/preview", [new("body", "x"), new("language", "en")], withToken: false));

        Assert.Equal(count, await CountAsync(site));
        Assert.Equal((PostStatus.Draft, "Kept as it is"), ((await FindAsync(site, draft.Id))!.Status, (await FindAsync(site, draft.Id))!.Title));
        Assert.Equal(PostStatus.Published, (await FindAsync(site, published.Id))!.Status);
    }

    // --- Previews and autosave --------------------------------------------------------------------------

    [Fact]
    public async Task The_live_preview_is_the_sites_own_sanitised_html_in_the_posts_direction()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var contributor = await AdminClient.SignInAsync(site, StaffRole.Contributor);
        const string markdown = "## عنوان\n\n<script>alert('x')</script>\n\n**مهم** <img src=\"https://tracker.example/p.gif\" onerror=\"steal()\">";

        using var response = await contributor.PostFormAsync("/admin/posts/preview", [new("body", markdown), new("language", "ar")], TokenPage);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("<div class=\"body\" lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror", html, StringComparison.Ordinal);
        Assert.Contains("<strong>مهم</strong>", html, StringComparison.Ordinal);
        var expected = site.Services.GetRequiredService<MarkdownRenderer>().ToHtml(markdown);
        Assert.Equal($"<div class=\"body\" lang=\"ar\" dir=\"rtl\">{expected}</div>", html);

        using var anonymous = AdminClient.Anonymous(site);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(anonymous, "/admin/posts/preview", [new("body", "x")], withToken: false));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_preview_page_shows_a_draft_as_readers_will_see_it_and_is_never_cached_or_indexed(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);
        var post = await CreateAsync(site, Draft("سوق الذهب", author.Member, PostKind.Report, "ar") with { BodyMarkdown = "نص **التقرير**.\n\n<script>x()</script>" });

        using var response = await author.GetAsync($"/admin/posts/{post.Id}/preview");
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("noindex", response.Headers.GetValues("X-Robots-Tag").Single(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>سوق الذهب</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>التقرير</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>x()", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"robots\" content=\"noindex\">", html, StringComparison.Ordinal);
        // The banner, in the staff member's language, first thing in the body.
        Assert.Matches("<body><div class=\"bs-preview-banner\" role=\"status\" lang=\"en\" dir=\"ltr\">", html);
        Assert.Contains("Preview: the page as readers will see it. Status: Draft.", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.FetchAsync("/ar/" + Uri.EscapeDataString(post.Slug))).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Autosave_saves_a_draft_and_never_a_published_post(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);
        Assert.DoesNotContain("data-autosave-url", await author.GetStringAsync("/admin/posts/new"), StringComparison.Ordinal);

        var id = await CreateThroughFormAsync(author, Fields("First words"));
        var editorPage = await author.GetStringAsync($"/admin/posts/{id}");
        Assert.Contains($"data-autosave-url=\"/admin/posts/{id}/autosave\"", editorPage, StringComparison.Ordinal);

        using (var saved = await author.PostFormAsync($"/admin/posts/{id}/autosave", Fields("First words, more of them", more: ("body", "Still writing")), TokenPage))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            using var answer = JsonDocument.Parse(await saved.Content.ReadAsStringAsync(Ct));
            Assert.True(DateTime.TryParse(answer.RootElement.GetProperty("savedAt").GetString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal, out var savedAt));
            Assert.InRange(savedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
            Assert.Matches(@"^Saved at \d\d:\d\d$", answer.RootElement.GetProperty("message").GetString());
        }

        var post = await FindAsync(site, id);
        Assert.Equal((PostStatus.Draft, "First words, more of them", "Still writing"), (post!.Status, post.Title, post.BodyMarkdown));

        // A refused autosave answers with the reason and leaves the draft as it was.
        using (var bad = await author.PostFormAsync($"/admin/posts/{id}/autosave", Fields(""), TokenPage))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using var answer = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(Ct));
            Assert.Equal("A post needs a title.", answer.RootElement.GetProperty("error").GetString());
        }

        Assert.Equal(HttpStatusCode.Redirect, await PostAsync(author, $"/admin/posts/{id}", Fields("First words, more of them", "publish")));
        Assert.DoesNotContain("data-autosave-url", await author.GetStringAsync($"/admin/posts/{id}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(author, $"/admin/posts/{id}/autosave", Fields("Unreviewed edit")));
        post = await FindAsync(site, id);
        Assert.Equal((PostStatus.Published, "First words, more of them"), (post!.Status, post.Title));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_editor_writes_in_the_posts_direction_and_links_a_translation(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var english = await CreateAsync(site, Draft("Bread prices", editor.Member) with { Status = PostStatus.Published });

        var translate = await editor.GetStringAsync($"/admin/posts/{english.Id}");
        Assert.Contains($"href=\"/admin/posts/new?language=ar&amp;translation_of={english.Id}\"", translate, StringComparison.Ordinal);
        var form = await editor.GetStringAsync($"/admin/posts/new?language=ar&translation_of={english.Id}");
        Assert.Matches("<textarea id=\"post-body\" name=\"body\"[^>]* lang=\"ar\" dir=\"rtl\"", form);
        Assert.Matches($"<option value=\"{english.Id}\" selected", form);
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", form, StringComparison.Ordinal); // the admin stays in the member's language

        var id = await CreateThroughFormAsync(editor, Fields("أسعار الخبز", "publish", language: "ar",
            more: ("translation_of", english.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var arabic = await FindAsync(site, id);
        Assert.NotNull(arabic!.TranslationKey);
        Assert.Equal(arabic.TranslationKey, (await FindAsync(site, english.Id))!.TranslationKey);
        Assert.Contains("/ar/" + Uri.EscapeDataString(arabic.Slug), (await site.Client.FetchAsync("/en/bread-prices")).Body, StringComparison.Ordinal);
    }
}
