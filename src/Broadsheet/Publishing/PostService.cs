using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Publishing;

/// <summary>
/// Every write to posts goes through here (admin, API, CLI, importer, scheduler), so that the rules
/// and the cache invalidation hold whichever door the change came through.
/// </summary>
public sealed class PostService(
    BroadsheetDb db,
    MarkdownRenderer markdown,
    TimeProvider time,
    IEnumerable<IContentChangeListener> listeners)
{
    public const int MaxTitleLength = 300;
    public const int MaxLedeLength = 2000;
    public const int MaxBodyLength = 1_000_000;

    private const string DesignNeedsCover = "A design needs a cover image with alt text before it can be published.";

    public async Task<Post> CreateAsync(PostInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow().UtcDateTime;
        var post = new Post { CreatedAt = now, CreatedById = input.CreatedById };
        await ApplyAsync(post, input, now, cancellationToken);
        db.Posts.Add(post);
        await SaveAsync(cancellationToken);
        return post;
    }

    public async Task<Post> UpdateAsync(int id, PostInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var post = await db.Posts.Include(p => p.Tags).Include(p => p.Authors).FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
                   ?? throw new PublishingException($"There is no post {id}.");
        await ApplyAsync(post, input, time.GetUtcNow().UtcDateTime, cancellationToken);
        await SaveAsync(cancellationToken);
        return post;
    }

    /// <summary>Makes a draft or scheduled post public now.</summary>
    public async Task<Post> PublishAsync(int id, CancellationToken cancellationToken = default)
    {
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
                   ?? throw new PublishingException($"There is no post {id}.");
        var now = time.GetUtcNow().UtcDateTime;
        ValidateForPublication(post);
        post.Status = PostStatus.Published;
        post.PublishAt = post.PublishAt is { } at && at <= now ? at : now;
        post.UpdatedAt = now;
        await SaveAsync(cancellationToken);
        return post;
    }

    /// <summary>Takes a post off the site; it becomes a draft again.</summary>
    public async Task<Post> UnpublishAsync(int id, CancellationToken cancellationToken = default)
    {
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
                   ?? throw new PublishingException($"There is no post {id}.");
        post.Status = PostStatus.Draft;
        post.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await SaveAsync(cancellationToken);
        return post;
    }

    /// <summary>Removes a post for good (its tag and byline links go with it; the tags and authors stay).</summary>
    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
                   ?? throw new PublishingException($"There is no post {id}.");
        db.Posts.Remove(post);
        await SaveAsync(cancellationToken);
    }

    /// <summary>
    /// Publishes every scheduled post whose time has come, including those whose moment passed while
    /// the app was down. One conditional UPDATE: on several instances each post flips exactly once.
    /// </summary>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var count = await db.Posts
            .Where(p => p.Status == PostStatus.Scheduled && p.PublishAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PostStatus.Published).SetProperty(p => p.UpdatedAt, now), cancellationToken);
        if (count > 0)
        {
            await NotifyAsync(cancellationToken);
        }

        return count;
    }

    private async Task ApplyAsync(Post post, PostInput input, DateTime now, CancellationToken cancellationToken)
    {
        if (!Language.IsSupported(input.Language))
        {
            throw new PublishingException($"Unknown language \"{input.Language}\": use ar or en.");
        }

        if (!Enum.IsDefined(input.Kind))
        {
            throw new PublishingException("Unknown kind: use report, news or design.");
        }

        var title = Clean(input.Title);
        if (title.Length == 0)
        {
            throw new PublishingException("A post needs a title.");
        }

        if (title.Length > MaxTitleLength)
        {
            throw new PublishingException($"The title is longer than {MaxTitleLength} characters.");
        }

        var lede = Clean(input.Lede);
        if (lede.Length > MaxLedeLength)
        {
            throw new PublishingException($"The lede is longer than {MaxLedeLength} characters.");
        }

        if (input.BodyMarkdown.Length > MaxBodyLength)
        {
            throw new PublishingException("The body is longer than a million characters.");
        }

        var cover = string.IsNullOrWhiteSpace(input.CoverImageUrl) ? null : input.CoverImageUrl.Trim();
        var alt = string.IsNullOrWhiteSpace(input.CoverImageAlt) ? null : Clean(input.CoverImageAlt);
        // A URL that is the current upload's keeps the link to it (an API client sending the post back as it read it).
        var coverMediaId = cover is not null && cover == post.CoverImageUrl ? post.CoverMediaId : null;
        if (input.CoverMediaId is { } mediaId)
        {
            var media = await db.Media.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mediaId, cancellationToken)
                        ?? throw new PublishingException($"There is no uploaded image {mediaId}.");
            if (media.WidthList.Count == 0)
            {
                throw new PublishingException($"The uploaded image {mediaId} has no sizes to show.");
            }

            cover = media.UrlFor(media.WidthList.Max());
            coverMediaId = media.Id;
        }

        if (cover is not null && !IsSafeImageUrl(cover))
        {
            throw new PublishingException("The cover image must be an image on this site, a path beginning with /.");
        }

        if (cover is not null && alt is null)
        {
            throw new PublishingException("A cover image needs alt text describing it for readers who cannot see it.");
        }

        // A design may be drafted before its image is ready; it cannot go public (or be scheduled to) without it.
        if (input.Kind == PostKind.Design && cover is null && input.Status != PostStatus.Draft)
        {
            throw new PublishingException(DesignNeedsCover);
        }

        post.Kind = input.Kind;
        post.Title = title;
        post.Lede = lede;
        post.BodyMarkdown = input.BodyMarkdown.Replace("\r\n", "\n", StringComparison.Ordinal);
        post.BodyHtml = markdown.ToHtml(post.BodyMarkdown);
        post.WordCount = MarkdownRenderer.CountWords(title) + MarkdownRenderer.CountWords(lede) + MarkdownRenderer.CountWords(post.BodyMarkdown);
        post.CoverImageUrl = cover;
        post.CoverMediaId = coverMediaId;
        post.CoverImageAlt = cover is null ? null : alt;
        post.Featured = input.Featured;
        post.Priority = input.Priority;
        post.UpdatedAt = now;

        var languageChanged = post.Id != 0 && post.Language != input.Language;
        post.Language = input.Language;
        await ApplySlugAsync(post, input.Slug, languageChanged, cancellationToken);
        await ApplyTranslationAsync(post, input.TranslationOf, cancellationToken);
        await ApplyTagsAsync(post, input.Tags, cancellationToken);
        await ApplyAuthorsAsync(post, input.AuthorSlugs, cancellationToken);

        switch (input.Status)
        {
            case PostStatus.Draft:
                post.Status = PostStatus.Draft;
                post.PublishAt = input.PublishAt;
                break;
            case PostStatus.Scheduled when input.PublishAt is null:
                throw new PublishingException("A scheduled post needs a publish time.");
            case PostStatus.Scheduled:
                post.PublishAt = ToUtc(input.PublishAt.Value);
                post.Status = post.PublishAt <= now ? PostStatus.Published : PostStatus.Scheduled;
                break;
            case PostStatus.Published:
                post.PublishAt = input.PublishAt is { } at ? ToUtc(at) : post.Status == PostStatus.Published && post.PublishAt is { } was ? was : now;
                if (post.PublishAt > now)
                {
                    throw new PublishingException("A published post cannot have a publish time in the future: schedule it instead.");
                }

                post.Status = PostStatus.Published;
                break;
            default:
                throw new PublishingException("Unknown status: use draft, scheduled or published.");
        }
    }

    private async Task ApplySlugAsync(Post post, string? requested, bool languageChanged, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var slug = requested.Trim().Normalize(System.Text.NormalizationForm.FormKC);
            if (SlugGenerator.Problem(slug) is { } problem)
            {
                throw new PublishingException(problem);
            }

            if (await db.Posts.AnyAsync(p => p.Language == post.Language && p.Slug == slug && p.Id != post.Id, cancellationToken))
            {
                throw new PublishingException($"Another {post.Language} post already has the slug \"{slug}\".");
            }

            post.Slug = slug;
            return;
        }

        if (post.Id != 0 && post.Slug.Length > 0 && !languageChanged)
        {
            return; // A published URL does not move because a title was edited.
        }

        var stem = SlugGenerator.FromTitle(post.Title);
        if (stem.Length == 0)
        {
            throw new PublishingException("The title has no letter or digit to make a slug from: give a slug.");
        }

        if (SlugGenerator.Reserved.Contains(stem))
        {
            stem += "-" + post.Kind.ToString().ToLowerInvariant();
        }

        var candidate = stem;
        for (var n = 2; await db.Posts.AnyAsync(p => p.Language == post.Language && p.Slug == candidate && p.Id != post.Id, cancellationToken); n++)
        {
            var suffix = "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            candidate = stem[..Math.Min(stem.Length, SlugGenerator.MaxLength - suffix.Length)] + suffix;
        }

        post.Slug = candidate;
    }

    private async Task ApplyTranslationAsync(Post post, int? translationOf, CancellationToken cancellationToken)
    {
        if (translationOf is null)
        {
            return;
        }

        var original = await db.Posts.FirstOrDefaultAsync(p => p.Id == translationOf, cancellationToken)
                       ?? throw new PublishingException($"There is no post {translationOf} to link as the translation.");
        if (original.Id == post.Id || original.Language == post.Language)
        {
            throw new PublishingException("A translation must be in the other language.");
        }

        var key = original.TranslationKey ?? post.TranslationKey ?? Guid.NewGuid();
        if (await db.Posts.AnyAsync(p => p.TranslationKey == key && p.Language == post.Language && p.Id != post.Id, cancellationToken))
        {
            throw new PublishingException("That post already has a translation in this language.");
        }

        original.TranslationKey = key;
        post.TranslationKey = key;
    }

    private async Task ApplyTagsAsync(Post post, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in names)
        {
            var name = Clean(raw);
            if (name.Length == 0)
            {
                continue;
            }

            if (name.Length > 100)
            {
                throw new PublishingException("A tag is longer than 100 characters.");
            }

            var slug = SlugGenerator.FromTitle(name);
            if (slug.Length > 0)
            {
                wanted.TryAdd(slug, name);
            }
        }

        var slugs = wanted.Keys.ToList();
        var existing = await db.Tags.Where(t => t.Language == post.Language && slugs.Contains(t.Slug)).ToListAsync(cancellationToken);
        post.Tags.Clear();
        foreach (var (slug, name) in wanted)
        {
            var tag = existing.FirstOrDefault(t => t.Slug == slug)
                      ?? db.Tags.Local.FirstOrDefault(t => t.Language == post.Language && t.Slug == slug);
            if (tag is null)
            {
                tag = new Tag { Language = post.Language, Slug = slug, Name = name };
                db.Tags.Add(tag);
            }

            post.Tags.Add(tag);
        }
    }

    private async Task ApplyAuthorsAsync(Post post, IReadOnlyList<string> slugs, CancellationToken cancellationToken)
    {
        var wanted = slugs.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        var authors = await db.Authors.Where(a => wanted.Contains(a.Slug)).ToListAsync(cancellationToken);
        var missing = wanted.Except(authors.Select(a => a.Slug)).ToList();
        if (missing.Count > 0)
        {
            throw new PublishingException($"Unknown author: {string.Join(", ", missing)}.");
        }

        post.Authors.Clear();
        post.Authors.AddRange(wanted.Select(s => authors.First(a => a.Slug == s)));
    }

    private static void ValidateForPublication(Post post)
    {
        if (post.Kind == PostKind.Design && (post.CoverImageUrl is null || post.CoverImageAlt is null))
        {
            throw new PublishingException(DesignNeedsCover);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            // Two editors racing for one slug: the unique index decides, and nothing was written.
            db.ChangeTracker.Clear();
            throw new PublishingException("The post could not be saved because another change got there first (same slug or translation). Try again.", e);
        }

        await NotifyAsync(cancellationToken);
    }

    private async Task NotifyAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in listeners)
        {
            await listener.ContentChangedAsync(cancellationToken);
        }
    }

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    // Only images served by the site itself: a page must make no request to a third party.
    private static bool IsSafeImageUrl(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains("..", StringComparison.Ordinal) &&
        url.Length <= 1000 && !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\' or '<' or '>');

    private static string Clean(string? text) =>
        (text ?? "").Replace('\0', ' ').Trim().Normalize(System.Text.NormalizationForm.FormC);
}
