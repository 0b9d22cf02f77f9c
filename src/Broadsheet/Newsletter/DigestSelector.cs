using Broadsheet.Data;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// "The most important updates": picks an edition's posts (<see cref="EditionService"/> writes them). Eligible: posts of
/// the edition's language, public by its send time, published since the previous edition was prepared (the previous
/// send time less <see cref="NewsletterOptions.PrepareAhead"/>, so a post published while that edition was in review
/// and not added to it comes now), and in no earlier digest edition.
/// Ranked, in this order (the documented score): the editor's pin (featured) and priority, higher first; the kind's
/// weight (<see cref="NewsletterOptions.KindWeights"/>: reports above designs above news by default); readership,
/// higher first: the post's page views (<see cref="Readership"/>; a page is counted only while it is public, so these
/// are the views since it was published) plus, only when click tracking is on (<see cref="TrackingOptions.Clicks"/>),
/// the clicks its links got in earlier editions (a special edition that carried it); then the most recent first. Each
/// kind is a section with its own cap (<see cref="NewsletterOptions.SectionCaps"/>), sections in the order of their
/// weight.
/// </summary>
public sealed class DigestSelector(BroadsheetDb db, IOptions<BroadsheetOptions> options)
{
    /// <summary>The posts the edition would carry, in order, without writing anything.</summary>
    public async Task<IReadOnlyList<(Post Post, PostKind Section)>> SelectAsync(Edition edition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var o = options.Value;
        var schedule = new DigestSchedule(o.Newsletter.Schedule, o.ResolveTimeZone());
        var sendTime = new DateTimeOffset(DateTime.SpecifyKind(edition.ScheduledFor, DateTimeKind.Utc));
        var since = ((schedule.Previous(sendTime.AddTicks(-1)) ?? sendTime.AddDays(-14)) - o.Newsletter.PrepareAhead).UtcDateTime;
        var until = edition.ScheduledFor;
        var language = edition.Language;

        // In no earlier digest edition (nor already in this one, when it is filled again).
        var eligible = db.Posts.AsNoTracking()
            .Where(p => p.Language == language && p.Status == PostStatus.Published && p.PublishAt > since && p.PublishAt <= until)
            .Where(p => !db.EditionItems.Any(i => i.PostId == p.Id && i.Newsletter == Edition.Digest && i.EditionId != edition.Id));

        // Readership comes with the candidates in the same query: one summed subquery per post, each a range of the
        // primary key (PostId, Day) of post_views, and of IX_edition_clicks_PostId for clicks. A fortnight's posts are
        // a few dozen rows, so this stays one round trip however many were read.
        var candidates = o.Tracking.Clicks
            ? await eligible.Select(p => new Candidate(p,
                    db.PostViews.Where(v => v.PostId == p.Id).Sum(v => v.Views) + db.EditionClicks.Where(c => c.PostId == p.Id).Sum(c => c.Clicks)))
                .ToListAsync(cancellationToken)
            : await eligible.Select(p => new Candidate(p, db.PostViews.Where(v => v.PostId == p.Id).Sum(v => v.Views)))
                .ToListAsync(cancellationToken);

        var picked = new List<(Post, PostKind)>();
        foreach (var kind in Enum.GetValues<PostKind>().OrderByDescending(k => Weight(o.Newsletter, k)).ThenBy(k => k))
        {
            var cap = o.Newsletter.SectionCaps.TryGetValue(kind.ToString(), out var c) ? Math.Max(0, c) : 3;
            picked.AddRange(candidates.Where(x => x.Post.Kind == kind)
                .OrderByDescending(x => x.Post.Featured)
                .ThenByDescending(x => x.Post.Priority)
                .ThenByDescending(x => x.Readership)
                .ThenByDescending(x => x.Post.PublishAt)
                .ThenBy(x => x.Post.Id)
                .Take(cap)
                .Select(x => (x.Post, kind)));
        }

        return picked;
    }

    private static int Weight(NewsletterOptions newsletter, PostKind kind) =>
        newsletter.KindWeights.TryGetValue(kind.ToString(), out var weight) ? weight : 0;

    /// <summary>An eligible post and its readership (page views, plus clicks when they are tracked).</summary>
    private sealed record Candidate(Post Post, long Readership);
}
