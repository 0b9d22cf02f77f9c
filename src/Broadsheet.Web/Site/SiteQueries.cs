using Broadsheet.Data;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Web.Site;

/// <summary>The public site's reads. Every query filters on published-and-due, so a scheduled post never leaks early.</summary>
internal sealed class SiteQueries(BroadsheetDb db, TimeProvider time)
{
    public const int PageSize = 12;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private IQueryable<Post> Public(string language)
    {
        var now = Now;
        // The uploaded cover comes along (one join), for its responsive variants.
        return db.Posts.AsNoTracking().Include(p => p.CoverMedia)
            .Where(p => p.Language == language && p.Status == PostStatus.Published && p.PublishAt <= now);
    }

    public async Task<Post?> ArticleAsync(string language, string slug, CancellationToken cancellationToken) =>
        await Public(language).Include(p => p.Tags).Include(p => p.Authors).AsSplitQuery()
            .FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken);

    /// <summary>The published translation of a post, if it has one.</summary>
    public async Task<Post?> TranslationAsync(Post post, CancellationToken cancellationToken)
    {
        if (post.TranslationKey is not { } key)
        {
            return null;
        }

        return await Public(Language.Other(post.Language)).FirstOrDefaultAsync(p => p.TranslationKey == key, cancellationToken);
    }

    public async Task<HomeModel> HomeAsync(string language, CancellationToken cancellationToken)
    {
        var featured = await Public(language).Where(p => p.Featured)
            .OrderByDescending(p => p.Priority).ThenByDescending(p => p.PublishAt).Take(3)
            .Include(p => p.Authors).ToListAsync(cancellationToken);
        var featuredIds = featured.Select(p => p.Id).ToList();
        var byKind = new Dictionary<PostKind, IReadOnlyList<Post>>();
        foreach (var kind in Enum.GetValues<PostKind>())
        {
            byKind[kind] = await Public(language).Where(p => p.Kind == kind && !featuredIds.Contains(p.Id))
                .OrderByDescending(p => p.PublishAt).Take(kind == PostKind.News ? 6 : 4)
                .Include(p => p.Authors).ToListAsync(cancellationToken);
        }

        return new HomeModel(featured, byKind);
    }

    public Task<PostPage> ByKindAsync(string language, PostKind kind, int page, CancellationToken cancellationToken) =>
        PageAsync(Public(language).Where(p => p.Kind == kind), page, cancellationToken);

    public Task<PostPage> ByTagAsync(string language, string tagSlug, int page, CancellationToken cancellationToken) =>
        PageAsync(Public(language).Where(p => p.Tags.Any(t => t.Slug == tagSlug)), page, cancellationToken);

    public Task<PostPage> ByAuthorAsync(string language, string authorSlug, int page, CancellationToken cancellationToken) =>
        PageAsync(Public(language).Where(p => p.Authors.Any(a => a.Slug == authorSlug)), page, cancellationToken);

    public Task<Tag?> TagAsync(string language, string slug, CancellationToken cancellationToken) =>
        db.Tags.AsNoTracking().FirstOrDefaultAsync(t => t.Language == language && t.Slug == slug, cancellationToken);

    public Task<Author?> AuthorAsync(string slug, CancellationToken cancellationToken) =>
        db.Authors.AsNoTracking().FirstOrDefaultAsync(a => a.Slug == slug, cancellationToken);

    /// <summary>The newest posts of a language, for feeds.</summary>
    public Task<List<Post>> LatestAsync(string language, int count, CancellationToken cancellationToken) =>
        Public(language).OrderByDescending(p => p.PublishAt).Take(count).Include(p => p.Authors).Include(p => p.Tags).AsSplitQuery()
            .ToListAsync(cancellationToken);

    /// <summary>Every public post in every language, light, for the sitemap.</summary>
    public async Task<List<SitemapEntry>> SitemapAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        return await db.Posts.AsNoTracking()
            .Where(p => p.Status == PostStatus.Published && p.PublishAt <= now)
            .OrderBy(p => p.Id)
            .Select(p => new SitemapEntry(p.Language, p.Slug, p.UpdatedAt, p.TranslationKey))
            .ToListAsync(cancellationToken);
    }

    private static async Task<PostPage> PageAsync(IQueryable<Post> query, int page, CancellationToken cancellationToken)
    {
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(p => p.PublishAt).ThenByDescending(p => p.Id)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Include(p => p.Authors).ToListAsync(cancellationToken);
        return new PostPage(items, page, Math.Max(1, (total + PageSize - 1) / PageSize), total);
    }
}
