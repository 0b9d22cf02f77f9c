using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Publishing;
using Broadsheet.Subscribers;
using Broadsheet.Web.Admin.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// The console's reads (the admin reads the database directly; every change goes through <see cref="EditionService"/>).
/// A page of editions is counted in a few grouped queries, not one set per edition.
/// </summary>
internal sealed class ConsoleQueries(BroadsheetDb db, EditionService editions, EditionPlanner planner, DigestRenderer renderer, IOptions<BroadsheetOptions> options, TimeProvider time)
{
    /// <summary>The past editions are listed this many to a page (as the outbox's sends and the subscribers are).</summary>
    public const int PageSize = AdminOutboxRoutes.PageSize;

    /// <summary>The special edition's form lists this many of the latest published posts.</summary>
    public const int RecentPosts = 60;

    private static readonly EditionStatus[] Pending = [EditionStatus.Draft, EditionStatus.Approved, EditionStatus.Held];

    public BroadsheetOptions Options => options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    public TimeZoneInfo Zone => Options.ResolveTimeZone();

    public async Task<ConsoleOverview> OverviewAsync(string? page, CancellationToken ct)
    {
        var o = Options;
        var pending = await db.Editions.AsNoTracking().Where(e => Pending.Contains(e.Status))
            .OrderBy(e => e.ScheduledFor).ThenBy(e => e.Id).ToListAsync(ct);
        var sending = await db.Editions.AsNoTracking().Where(e => e.Status == EditionStatus.Sending)
            .OrderBy(e => e.ScheduledFor).ThenBy(e => e.Id).ToListAsync(ct);

        // Sent and skipped editions, newest first; (newsletter, language, period key) is unique, the list is short.
        var past = db.Editions.AsNoTracking().Where(e => e.Status == EditionStatus.Sent || e.Status == EditionStatus.Skipped);
        var total = await past.CountAsync(ct);
        var current = AdminOutboxRoutes.CurrentPage(page, total);
        var shown = await past.OrderByDescending(e => e.ScheduledFor).ThenByDescending(e => e.Id)
            .Skip((current - 1) * PageSize).Take(PageSize).ToListAsync(ct);

        var rows = (await RowsAsync([.. pending, .. sending, .. shown], ct)).ToDictionary(r => r.Edition.Id);
        var languages = new List<ConsoleLanguage>();
        var next = new HashSet<long>();
        foreach (var language in o.EffectiveLanguages)
        {
            if (pending.FirstOrDefault(e => e.Newsletter == Edition.Digest && e.Language == language) is { } edition)
            {
                next.Add(edition.Id);
                languages.Add(new ConsoleLanguage(language, rows[edition.Id], null, null, null));
                continue;
            }

            var (sendTime, key) = await NextSendTimeAsync(language, ct);
            languages.Add(new ConsoleLanguage(language, null, sendTime, key, sendTime - o.Newsletter.PrepareAhead));
        }

        return new ConsoleOverview(
            languages,
            sending.Select(e => rows[e.Id]).ToList(),
            pending.Where(e => !next.Contains(e.Id)).Select(e => rows[e.Id]).ToList(),
            shown.Select(e => rows[e.Id]).ToList(),
            current,
            AdminOutboxRoutes.Pages(total),
            o.Newsletter.RequireApproval,
            o.Tracking.Opens,
            o.Newsletter.Lateness,
            Zone,
            Now);
    }

    /// <summary>An edition with everything its page shows, or null when there is no such edition.</summary>
    public async Task<EditionDetails?> DetailsAsync(long id, CancellationToken ct)
    {
        if (await editions.GetAsync(id, ct) is not { } edition)
        {
            return null;
        }

        var row = (await RowsAsync([edition], ct))[0];
        var items = await editions.ItemsAsync(id, ct);
        var other = await editions.FindByPeriodAsync(edition.Newsletter, Broadsheet.Language.Other(edition.Language), edition.PeriodKey, ct);
        var subject = (await renderer.RenderAsync(edition, EditionView.Email, ct)).Subject;
        var o = Options;
        return new EditionDetails(row, items, other, await SubscribersAsync(edition.Language, ct), subject,
            o.Newsletter.RequireApproval, o.Tracking.Opens, o.Newsletter.Lateness, Zone);
    }

    /// <summary>The active subscribers who get <paramref name="language"/>'s editions: whom a send would go to now.</summary>
    public Task<int> SubscribersAsync(string language, CancellationToken ct)
    {
        var only = NewsletterLanguagesExtensions.Of(language);
        return db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Active && (s.Languages == only || s.Languages == NewsletterLanguages.Both), ct);
    }

    /// <summary>The latest published posts for the special edition's form, of one language or both.</summary>
    public async Task<IReadOnlyList<Post>> RecentPostsAsync(string? language, CancellationToken ct)
    {
        var now = Now.UtcDateTime;
        var posts = db.Posts.AsNoTracking().Where(p => p.Status == PostStatus.Published && p.PublishAt <= now);
        if (Broadsheet.Language.IsSupported(language))
        {
            posts = posts.Where(p => p.Language == language);
        }

        return await posts.OrderByDescending(p => p.PublishAt).ThenByDescending(p => p.Id).Take(RecentPosts).ToListAsync(ct);
    }

    /// <summary>Whether approving <paramref name="edition"/> sends it at once: a special edition, or a digest edition past its time.</summary>
    public bool ApprovalSendsNow(Edition edition) => edition.Newsletter == Edition.Special || edition.ScheduledFor <= Now.UtcDateTime;

    /// <summary>The next send time whose period has no edition in <paramref name="language"/> yet, with its period key.</summary>
    private async Task<(DateTimeOffset? SendTime, string? Key)> NextSendTimeAsync(string language, CancellationToken ct)
    {
        var schedule = planner.Schedule();
        var next = schedule.Next(Now);

        // An edition for the coming period may exist already (skipped, sent early by an editor): the one after it is next.
        for (var i = 0; i < 12 && next is { } at; i++)
        {
            var key = schedule.PeriodKey(at);
            if (!await db.Editions.AnyAsync(e => e.Newsletter == Edition.Digest && e.Language == language && e.PeriodKey == key, ct))
            {
                return (at, key);
            }

            next = schedule.Next(at);
        }

        return (null, null);
    }

    private async Task<IReadOnlyList<ConsoleEditionRow>> RowsAsync(IReadOnlyList<Edition> list, CancellationToken ct)
    {
        var ids = list.Select(e => e.Id).ToList();
        var items = await db.EditionItems.AsNoTracking().Where(i => ids.Contains(i.EditionId))
            .GroupBy(i => i.EditionId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var reviewerIds = list.Where(e => e.ReviewedById != null).Select(e => e.ReviewedById!.Value).Distinct().ToList();
        var reviewers = await db.StaffMembers.AsNoTracking().Where(s => reviewerIds.Contains(s.Id))
            .Select(s => new { s.Id, s.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var progress = await editions.ProgressAsync(list.Where(e => e.SendId != null).Select(e => e.SendId!.Value).ToList(), ct);
        var now = Now.UtcDateTime;
        var lateness = Options.Newsletter.Lateness;
        return list.Select(e =>
        {
            var due = e.Newsletter == Edition.Digest && Pending.Contains(e.Status) && e.ScheduledFor <= now;
            return new ConsoleEditionRow(
                e,
                items.GetValueOrDefault(e.Id),
                e.ReviewedById is { } reviewer ? reviewers.GetValueOrDefault(reviewer) : null,
                e.SendId is { } send && progress.TryGetValue(send, out var p) ? p : EditionProgress.None,
                due,
                due && e.Status != EditionStatus.Held && e.ScheduledFor < now - lateness);
        }).ToList();
    }
}
