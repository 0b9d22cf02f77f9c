using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.TestKit;

/// <summary>An edition with a report, a design (with an uploaded cover) and a news item, written straight into a test database.</summary>
public static class Editions
{
    public sealed record Made(Edition Edition, Post Report, Post Design, Post News, MediaItem Media);

    /// <summary>1 December 2026, 09:00 in the default zone (Asia/Damascus, +03): the send time of 2026-12-A.</summary>
    public static readonly DateTime SendTime = new(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>The same on the library's services (no web host).</summary>
    public static async Task<Made> CreateAsync(
        TestServices services, string language = "en", EditionStatus status = EditionStatus.Draft, string? intro = null,
        string? reportTitle = null, string newsletter = Edition.Digest, string periodKey = "2026-12-A", string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.Scope();
        return await CreateAsync(scope.ServiceProvider, language, status, intro, reportTitle, newsletter, periodKey, subject);
    }

    public static async Task<Made> CreateAsync(
        IServiceProvider services, string language = "en", EditionStatus status = EditionStatus.Draft, string? intro = null,
        string? reportTitle = null, string newsletter = Edition.Digest, string periodKey = "2026-12-A", string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var ct = TestContext.Current.CancellationToken;
        var arabic = language == "ar";
        var tag = Guid.NewGuid().ToString("N")[..6];
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var posts = scope.ServiceProvider.GetRequiredService<PostService>();

        var media = new MediaItem
        {
            Key = Guid.NewGuid().ToString("N"), Extension = "jpg", Width = 1920, Height = 1080, Widths = "480,960,1600", Bytes = 1000,
            Alt = arabic ? "وصف الصورة في المكتبة" : "The library's description", CreatedAt = DateTime.UtcNow,
        };
        db.Media.Add(media);
        await db.SaveChangesAsync(ct);

        Task<Post> Make(PostKind kind, string title, string lede, int? mediaId = null, string? alt = null) => posts.CreateAsync(new PostInput
        {
            Kind = kind, Language = language, Title = title, Slug = $"{DigestKind(kind)}-{tag}",
            Lede = lede, BodyMarkdown = string.Join(' ', Enumerable.Repeat(arabic ? "كلمة" : "word", 700)),
            Status = PostStatus.Published, CoverMediaId = mediaId, CoverImageAlt = alt,
        }, ct);

        var report = await Make(PostKind.Report, reportTitle ?? (arabic ? "تقرير عن المياه" : "Who owns the wells"),
            arabic ? "خلاصة التقرير الأول." : "The first report's lede.");
        var design = await Make(PostKind.Design, arabic ? "خريطة الآبار" : "The wells, mapped",
            arabic ? "خلاصة التصميم." : "The design's lede.", media.Id, arabic ? "خريطة تُظهر الآبار" : "A map showing the wells");
        var news = await Make(PostKind.News, arabic ? "خبر قصير" : "A short dispatch", arabic ? "خلاصة الخبر." : "The dispatch's lede.");

        var edition = new Edition
        {
            Newsletter = newsletter, Language = language, PeriodKey = periodKey, Status = status, ScheduledFor = SendTime,
            CreatedAt = DateTime.UtcNow, Intro = intro, Subject = subject,
        };
        db.Editions.Add(edition);
        await db.SaveChangesAsync(ct);
        db.EditionItems.AddRange(
            new EditionItem { EditionId = edition.Id, Newsletter = newsletter, PostId = report.Id, Section = PostKind.Report, Position = 0 },
            new EditionItem { EditionId = edition.Id, Newsletter = newsletter, PostId = design.Id, Section = PostKind.Design, Position = 1 },
            new EditionItem { EditionId = edition.Id, Newsletter = newsletter, PostId = news.Id, Section = PostKind.News, Position = 2 });
        await db.SaveChangesAsync(ct);
        return new Made(edition, report, design, news, media);
    }

    private static string DigestKind(PostKind kind) => kind switch
    {
        PostKind.Report => "report",
        PostKind.News => "news",
        _ => "design",
    };
}
