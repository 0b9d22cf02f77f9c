using System.Reflection;
using System.Text.Json;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Publishing;

/// <summary>
/// Fills an empty database with the bilingual demo publication (our own writing, embedded in the
/// library) so that a first run shows a living site.
/// </summary>
public sealed class DemoContentLoader(BroadsheetDb db, PostService posts, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <returns>How many posts were created; 0 when the database already had content.</returns>
    public async Task<int> LoadIfEmptyAsync(CancellationToken cancellationToken = default)
    {
        if (await db.Posts.AnyAsync(cancellationToken))
        {
            return 0;
        }

        var content = Read();
        foreach (var author in content.Authors)
        {
            db.Authors.Add(new Author
            {
                Slug = author.Slug, NameEn = author.NameEn, NameAr = author.NameAr, BioEn = author.BioEn, BioAr = author.BioAr,
            });
        }

        await db.SaveChangesAsync(cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var created = 0;
        foreach (var story in content.Stories)
        {
            var publishAt = now.AddHours(-story.HoursAgo);
            int? first = null;
            foreach (var (language, version) in new[] { (Language.English, story.En), (Language.Arabic, story.Ar) })
            {
                if (version is null)
                {
                    continue;
                }

                var post = await posts.CreateAsync(new PostInput
                {
                    Kind = Enum.Parse<PostKind>(story.Kind, ignoreCase: true),
                    Language = language,
                    Title = version.Title,
                    Slug = version.Slug,
                    Lede = version.Lede,
                    BodyMarkdown = version.Body,
                    CoverImageUrl = story.Cover,
                    CoverImageAlt = version.CoverAlt,
                    Tags = version.Tags,
                    AuthorSlugs = story.Authors,
                    Featured = story.Featured,
                    Priority = story.Priority,
                    Status = PostStatus.Published,
                    PublishAt = publishAt,
                    TranslationOf = first,
                }, cancellationToken);
                first ??= post.Id;
                created++;
            }
        }

        // Demo posts read as if written when they were published, not as edited today.
        await db.Posts.ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, p => p.PublishAt ?? p.UpdatedAt), cancellationToken);
        return created;
    }

    internal static DemoContent Read()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Broadsheet.DemoContent.demo-content.json")
                           ?? throw new InvalidOperationException("The demo content is missing from the build.");
        return JsonSerializer.Deserialize<DemoContent>(stream, Json) ?? throw new InvalidOperationException("The demo content is empty.");
    }

    internal sealed record DemoContent(IReadOnlyList<DemoAuthor> Authors, IReadOnlyList<DemoStory> Stories);

    internal sealed record DemoAuthor(string Slug, string NameEn, string NameAr, string BioEn, string BioAr);

    internal sealed record DemoStory(
        string Kind, bool Featured, int Priority, double HoursAgo, string? Cover, IReadOnlyList<string> Authors,
        DemoVersion? En, DemoVersion? Ar);

    internal sealed record DemoVersion(string Title, string? Slug, string Lede, string Body, string? CoverAlt, IReadOnlyList<string> Tags);
}
