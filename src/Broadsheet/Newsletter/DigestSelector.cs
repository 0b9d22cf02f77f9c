using Broadsheet.Data;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// "The most important updates": picks an edition's posts and fills it. Eligible: posts of the edition's language,
/// public by its send time, published after the schedule's previous send time, and in no earlier digest edition.
/// Ranked, in this order (the documented score): the editor's pin (featured) and priority, higher first; the kind's
/// weight (<see cref="NewsletterOptions.KindWeights"/>: reports above designs above news by default); readership
/// (page views, when counted; none yet); then the most recent first. Each kind is a section with its own cap
/// (<see cref="NewsletterOptions.SectionCaps"/>), sections in the order of their weight.
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
        var since = (schedule.Previous(sendTime.AddTicks(-1)) ?? sendTime.AddDays(-14)).UtcDateTime;
        var until = edition.ScheduledFor;
        var language = edition.Language;

        // In no earlier digest edition (nor already in this one, when it is filled again).
        var candidates = await db.Posts.AsNoTracking()
            .Where(p => p.Language == language && p.Status == PostStatus.Published && p.PublishAt > since && p.PublishAt <= until)
            .Where(p => !db.EditionItems.Any(i => i.PostId == p.Id && i.Newsletter == Edition.Digest && i.EditionId != edition.Id))
            .ToListAsync(cancellationToken);

        var picked = new List<(Post, PostKind)>();
        foreach (var kind in Enum.GetValues<PostKind>().OrderByDescending(k => Weight(o.Newsletter, k)).ThenBy(k => k))
        {
            var cap = o.Newsletter.SectionCaps.TryGetValue(kind.ToString(), out var c) ? Math.Max(0, c) : 3;
            picked.AddRange(candidates.Where(p => p.Kind == kind)
                .OrderByDescending(p => p.Featured)
                .ThenByDescending(p => p.Priority)
                .ThenByDescending(p => p.PublishAt)
                .ThenBy(p => p.Id)
                .Take(cap)
                .Select(p => (p, kind)));
        }

        return picked;
    }

    /// <summary>
    /// Writes the edition's items (replacing a draft's earlier ones) and, when nothing is new and empty periods are
    /// skipped, marks it skipped. One transaction: an edition is never half filled.
    /// </summary>
    public async Task<IReadOnlyList<EditionItem>> FillAsync(Edition edition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edition);
        if (edition.Status != EditionStatus.Draft)
        {
            throw new InvalidOperationException($"Edition {edition.Id} is {edition.Status}; only a draft is filled.");
        }

        var selected = await SelectAsync(edition, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.EditionItems.Where(i => i.EditionId == edition.Id).ExecuteDeleteAsync(cancellationToken);
        var items = selected.Select((s, index) => new EditionItem
        {
            EditionId = edition.Id, Newsletter = edition.Newsletter, PostId = s.Post.Id, Section = s.Section, Position = index,
        }).ToList();
        db.EditionItems.AddRange(items);
        if (items.Count == 0 && options.Value.Newsletter.SkipEmpty)
        {
            await db.Editions.Where(e => e.Id == edition.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Skipped), cancellationToken);
            edition.Status = EditionStatus.Skipped;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return items;
    }

    private static int Weight(NewsletterOptions newsletter, PostKind kind) =>
        newsletter.KindWeights.TryGetValue(kind.ToString(), out var weight) ? weight : 0;
}
