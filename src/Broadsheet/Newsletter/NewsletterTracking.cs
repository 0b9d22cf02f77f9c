using Broadsheet.Data;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// Counts opens and clicks of editions, when an administrator switched tracking on: a number per edition and per
/// (edition, post), never who. Only an edition that went out is counted, so editors' previews and test mails do not
/// swell the figures. The click redirect goes only to a post of that very edition, on this site.
/// </summary>
public sealed class NewsletterTracking(BroadsheetDb db, IOptions<BroadsheetOptions> options)
{
    // One statement on both databases (SQLite 3.24+ and PostgreSQL share the upsert syntax), so concurrent clicks
    // on the same link add up instead of racing an insert against an update.
    private const string CountClick = """
        INSERT INTO edition_clicks ("EditionId", "PostId", "Clicks") VALUES ({0}, {1}, 1)
        ON CONFLICT ("EditionId", "PostId") DO UPDATE SET "Clicks" = edition_clicks."Clicks" + 1
        """;

    private static readonly EditionStatus[] WentOut = [EditionStatus.Sending, EditionStatus.Sent];

    public bool OpensEnabled => options.Value.Tracking.Opens;
    public bool ClicksEnabled => options.Value.Tracking.Clicks;

    /// <summary>Counts one open of the edition.</summary>
    /// <returns>Whether it was counted (the edition exists and went out).</returns>
    public async Task<bool> CountOpenAsync(long editionId, CancellationToken cancellationToken = default) =>
        await db.Editions
            .Where(e => e.Id == editionId && WentOut.Contains(e.Status))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Opens, e => e.Opens + 1), cancellationToken) > 0;

    /// <summary>
    /// Counts a click on a post's link in an edition and answers where it leads: the post's public address. Null
    /// when the post is not an item of that edition (or the edition does not exist, or the post was unpublished).
    /// </summary>
    public async Task<string?> ClickAsync(long editionId, int postId, CancellationToken cancellationToken = default)
    {
        var target = await db.EditionItems.AsNoTracking()
            .Where(i => i.EditionId == editionId && i.PostId == postId)
            .Join(db.Editions, i => i.EditionId, e => e.Id, (i, e) => new { i.PostId, e.Status })
            .Join(db.Posts, x => x.PostId, p => p.Id, (x, p) => new { x.Status, p.Language, p.Slug, PostStatus = p.Status })
            .FirstOrDefaultAsync(cancellationToken);
        if (target is null || target.PostStatus == PostStatus.Draft)
        {
            return null;
        }

        if (WentOut.Contains(target.Status))
        {
            await db.Database.ExecuteSqlRawAsync(CountClick, [editionId, postId], cancellationToken);
        }

        return PublicFormat.Absolute(options.Value.SiteUrl, PublicFormat.ArticlePath(target.Language, target.Slug));
    }
}
