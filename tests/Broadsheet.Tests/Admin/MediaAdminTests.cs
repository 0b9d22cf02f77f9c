using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Publishing.Media;
using Broadsheet.Staff;
using Broadsheet.Tests.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Broadsheet.Tests.Admin;

/// <summary>The admin's image library through the real host: the upload form, refusals in both languages, roles, deletion.</summary>
public sealed class MediaAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MultipartFormDataContent Upload(byte[] bytes, string fileName, string? alt, string contentType = "image/jpeg")
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(file, "file", fileName);
        if (alt is not null)
        {
            content.Add(new StringContent(alt), "alt");
        }

        return content;
    }

    private static async Task<List<MediaItem>> MediaAsync(TestSite site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Media.AsNoTracking().OrderBy(m => m.Id).ToListAsync(Ct);
    }

    private static string MediaFolder(TestSite site) => Path.Combine(site.Environment.DataDirectory, MediaLibrary.FolderName);

    private static int FileCount(TestSite site) => Directory.Exists(MediaFolder(site)) ? Directory.GetFiles(MediaFolder(site)).Length : 0;

    private static async Task<MediaItem> StoreAsync(TestSite site, int? uploadedById = null)
    {
        await using var scope = site.Services.CreateAsyncScope();
        using var content = new MemoryStream(MediaImages.Jpeg(1000, 500));
        var result = await scope.ServiceProvider.GetRequiredService<MediaLibrary>().StoreAsync(content, "river.jpg", "The river at night", uploadedById, Ct);
        return result.Item ?? throw new InvalidOperationException(result.Error.ToString());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Any_staff_member_uploads_an_image_through_the_form_and_sees_it_in_the_grid(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var contributor = await AdminClient.SignInAsync(site, StaffRole.Contributor, name: "Lina Contributor");

        var empty = await contributor.GetStringAsync("/admin/media");
        Assert.Contains("No images yet", empty, StringComparison.Ordinal);
        Assert.Contains("enctype=\"multipart/form-data\"", empty, StringComparison.Ordinal);

        using var upload = Upload(MediaImages.Jpeg(2000, 1000), "../../dusk.jpg", "A market street at dusk");
        using var response = await contributor.PostMultipartAsync("/admin/media", upload, "/admin/media");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/media?notice=uploaded", response.Headers.Location!.OriginalString);
        var item = Assert.Single(await MediaAsync(site));
        Assert.Equal(("480,960,1600", "A market street at dusk", "dusk.jpg", contributor.Member!.Id), (item.Widths, item.Alt, item.OriginalName, item.UploadedById));
        Assert.Equal(3, FileCount(site));

        var grid = await contributor.GetStringAsync("/admin/media?notice=uploaded");
        Assert.Contains("The image was uploaded.", grid, StringComparison.Ordinal);
        Assert.Contains($"src=\"{item.UrlFor(480)}\" alt=\"A market street at dusk\"", grid, StringComparison.Ordinal);
        Assert.Contains("Lina Contributor", grid, StringComparison.Ordinal);
        Assert.DoesNotContain("/admin/media/" + item.Id + "/delete", grid, StringComparison.Ordinal); // no button a contributor may not use

        using var image = await site.Client.GetAsync(item.UrlFor(960), Ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType!.MediaType);
        using var bitmap = SKBitmap.Decode(await image.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal((960, 480), (bitmap.Width, bitmap.Height));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Refused_uploads_say_why_in_the_staff_members_language_and_write_nothing(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var english = await AdminClient.SignInAsync(site, StaffRole.Author);
        using var arabic = await AdminClient.SignInAsync(site, StaffRole.Author, language: "ar");
        var text = Encoding.UTF8.GetBytes("just some words, not a picture\n");

        async Task<(HttpStatusCode Status, string Body)> PostAsync(AdminClient client, MultipartFormDataContent content)
        {
            using (content)
            {
                using var response = await client.PostMultipartAsync("/admin/media", content, "/admin/media");
                return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
            }
        }

        var notImage = await PostAsync(english, Upload(text, "cat.jpg", "A cat"));
        Assert.Equal(HttpStatusCode.BadRequest, notImage.Status);
        Assert.Contains("not a JPEG, PNG, WebP or GIF image", notImage.Body, StringComparison.Ordinal);
        Assert.Contains(">A cat</textarea>", notImage.Body, StringComparison.Ordinal); // the alt text is kept for the retry

        var arabicNotImage = await PostAsync(arabic, Upload(text, "cat.jpg", "قطة"));
        Assert.Equal(HttpStatusCode.BadRequest, arabicNotImage.Status);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arabicNotImage.Body, StringComparison.Ordinal);
        Assert.Contains("ليس صورة JPEG", arabicNotImage.Body, StringComparison.Ordinal);

        var noAlt = await PostAsync(english, Upload(MediaImages.Jpeg(600, 400), "photo.jpg", alt: null));
        Assert.Equal(HttpStatusCode.BadRequest, noAlt.Status);
        Assert.Contains("Write alt text", noAlt.Body, StringComparison.Ordinal);

        var bomb = await PostAsync(english, Upload(MediaImages.WithPngSize(MediaImages.Png(16, 16), 30_000, 30_000), "bomb.png", "A bomb", "image/png"));
        Assert.Equal(HttpStatusCode.BadRequest, bomb.Status);
        Assert.Contains("too big in pixels", bomb.Body, StringComparison.Ordinal);

        var noFile = await PostAsync(english, new MultipartFormDataContent { { new StringContent("Alt only"), "alt" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.Status);
        Assert.Contains("Choose an image file", noFile.Body, StringComparison.Ordinal);

        var justOver = new byte[MediaLibrary.MaxUploadBytes + 1];
        MediaImages.Jpeg(400, 300).CopyTo(justOver, 0);
        var overLibrary = await PostAsync(english, Upload(justOver, "big.jpg", "Big"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLibrary.Status);
        Assert.Contains("larger than 20 MB", overLibrary.Body, StringComparison.Ordinal);

        Assert.Empty(await MediaAsync(site));
        Assert.Equal(0, FileCount(site));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_request_over_the_upload_limit_gets_a_clear_page_not_a_server_error(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        // 40 MiB: over the library's limit and over the server's default request limit (30 MB) too.
        var huge = new byte[MediaLibrary.MaxUploadBytes * 2];
        MediaImages.Jpeg(400, 300).CopyTo(huge, 0);

        using var content = Upload(huge, "huge.jpg", "Huge");
        using var response = await editor.PostMultipartAsync("/admin/media", content, "/admin/media");
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 20 MB", body, StringComparison.Ordinal);
        Assert.Empty(await MediaAsync(site));
        Assert.Equal(0, FileCount(site));
    }

    // Past the upload endpoint's own request limit (64 MiB) the form cannot even be read for its token: still a clear 413.
    [Fact]
    public async Task A_request_past_the_servers_limit_gets_a_413_page_too()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor);
        var enormous = new byte[70L * 1024 * 1024];
        using var content = Upload(enormous, "enormous.jpg", "Enormous");
        using var response = await editor.PostMultipartAsync("/admin/media", content, "/admin/media", expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than the admin accepts", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await MediaAsync(site));
    }

    [Fact]
    public async Task An_upload_without_the_form_token_is_refused_and_writes_nothing()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);
        await author.TokenAsync("/admin/media"); // the antiforgery cookie is set, as in a real browser
        using var raw = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = author.Cookies }) { BaseAddress = site.BaseAddress };

        using var content = Upload(MediaImages.Jpeg(600, 400), "photo.jpg", "A photo");
        using var response = await raw.PostAsync(new Uri("/admin/media", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form expired", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await MediaAsync(site));
        Assert.Equal(0, FileCount(site));

        using var anonymous = AdminClient.Anonymous(site);
        using var page = await anonymous.GetAsync("/admin/media");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/admin/login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Only_editors_and_above_may_delete_an_image_and_only_after_confirming(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        var item = await StoreAsync(site);
        var path = $"/admin/media/{item.Id}/delete";

        foreach (var role in new[] { StaffRole.Contributor, StaffRole.Author })
        {
            using var client = await AdminClient.SignInAsync(site, role);
            using var confirm = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
            using var delete = await client.PostFormAsync(path, [], "/admin/media");
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }

        Assert.Single(await MediaAsync(site));
        Assert.Equal(3, FileCount(site));

        using var editor = await AdminClient.SignInAsync(site, StaffRole.Editor, language: "ar");
        var grid = await editor.GetStringAsync("/admin/media");
        Assert.Contains($"href=\"{path}\"", grid, StringComparison.Ordinal);
        Assert.Contains("الصور", grid, StringComparison.Ordinal);
        var question = await editor.GetStringAsync(path);
        Assert.Contains("حذف الصورة «The river at night»؟", question, StringComparison.Ordinal);

        using var withoutToken = await editor.PostFormAsync(path, [], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Single(await MediaAsync(site));

        using var deleted = await editor.PostFormAsync(path, [], path);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/admin/media?notice=deleted", deleted.Headers.Location!.OriginalString);
        Assert.Empty(await MediaAsync(site));
        Assert.Equal(0, FileCount(site));
        using var gone = await site.Client.GetAsync(item.UrlFor(480), Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var again = await editor.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task The_grid_pages_newest_first_and_shrugs_off_a_mistyped_page_number()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            // Rows only (the grid reads the table): 49 images, one more than a page.
            var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
            for (var i = 0; i < 49; i++)
            {
                db.Media.Add(new MediaItem
                {
                    Key = i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
                    Width = 480,
                    Height = 240,
                    Widths = "480",
                    Bytes = 1000,
                    Alt = $"Image number {i}.",
                    CreatedAt = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i),
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        using var author = await AdminClient.SignInAsync(site, StaffRole.Author);
        var first = await author.GetStringAsync("/admin/media");
        var second = await author.GetStringAsync("/admin/media?page=2");

        Assert.Equal(48, System.Text.RegularExpressions.Regex.Count(first, "class=\"media-card\""));
        Assert.Contains("Image number 48.", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Image number 0.", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/media?page=2\"", first, StringComparison.Ordinal);
        Assert.Contains("Image number 0.", second, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/media?page=1\"", second, StringComparison.Ordinal);
        using var mistyped = await author.GetAsync("/admin/media?page=zwei");
        Assert.Equal(HttpStatusCode.OK, mistyped.StatusCode);
    }

    [Fact]
    public async Task An_image_a_post_uses_as_its_cover_cannot_be_deleted()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        var item = await StoreAsync(site);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PostService>().CreateAsync(new PostInput
            {
                Kind = PostKind.Design,
                Language = "en",
                Title = "The river in one picture",
                Lede = "A lede.",
                BodyMarkdown = "Body.",
                Status = PostStatus.Draft,
                CoverImageUrl = item.UrlFor(1000),
                CoverImageAlt = item.Alt,
            }, Ct);
        }

        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        using var refused = await owner.PostFormAsync($"/admin/media/{item.Id}/delete", [], "/admin/media");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("A post uses this image as its cover", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Single(await MediaAsync(site));
        Assert.Equal(3, FileCount(site));
    }
}
