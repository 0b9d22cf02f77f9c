using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Site;

/// <summary>Content the site tests read: a translated pair, an untranslated post, a draft, a scheduled post and enough news to page.</summary>
internal static class SiteFixture
{
    public const string EnglishSlug = "the-tanker-cartel";
    public const string ArabicSlug = "كارتل-الصهاريج";

    public static async Task SeedAsync(TestSite site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        db.Authors.Add(new Author { Slug = "rana-haddad", NameEn = "Rana Haddad", NameAr = "رنا حداد", BioEn = "Investigations editor.", BioAr = "محررة التحقيقات." });
        await db.SaveChangesAsync();

        var posts = scope.ServiceProvider.GetRequiredService<PostService>();
        var yesterday = DateTime.UtcNow.AddDays(-1);
        var english = await posts.CreateAsync(new PostInput
        {
            Kind = PostKind.Report, Language = "en", Title = "The tanker cartel", Lede = "Who sells the water when the pipes run dry.",
            BodyMarkdown = "## How it works\n\nAccording to records we reviewed, prices doubled.\n\n- first\n- second\n\n> A quote.",
            Tags = ["Water"], AuthorSlugs = ["rana-haddad"], Featured = true, Priority = 2,
            Status = PostStatus.Published, PublishAt = yesterday,
            CoverImageUrl = "/assets/site.css", CoverImageAlt = "A water tanker at dawn",
        });
        await posts.CreateAsync(new PostInput
        {
            Kind = PostKind.Report, Language = "ar", Title = "كارتل الصهاريج", Lede = "من يبيع الماء حين تجف الأنابيب.",
            BodyMarkdown = "## كيف يعمل\n\nبحسب سجلات اطلعنا عليها، تضاعفت الأسعار ٢ مرة.\n\n- أولاً\n- ثانياً",
            Tags = ["المياه"], AuthorSlugs = ["rana-haddad"], Status = PostStatus.Published, PublishAt = yesterday, TranslationOf = english.Id,
        });
        for (var i = 1; i <= 14; i++)
        {
            await posts.CreateAsync(new PostInput
            {
                Kind = PostKind.News, Language = "en", Title = $"Council meeting {i}", Lede = $"Item {i}.", BodyMarkdown = "Short.",
                Status = PostStatus.Published, PublishAt = yesterday.AddMinutes(-i),
            });
        }

        await posts.CreateAsync(new PostInput { Kind = PostKind.News, Language = "en", Title = "Unfinished draft", Status = PostStatus.Draft });
        await posts.CreateAsync(new PostInput
        {
            Kind = PostKind.News, Language = "en", Title = "Embargoed story", Status = PostStatus.Scheduled, PublishAt = DateTime.UtcNow.AddDays(3),
        });
    }
}
