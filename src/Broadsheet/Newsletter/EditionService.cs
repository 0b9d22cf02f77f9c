using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Publishing;
using Broadsheet.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Newsletter;

/// <summary>
/// The one write path for editions: preparing the digest's editions ahead of their time, what editors do to them
/// (subject and intro, order, removal, approve, hold, test, send now), special editions, and handing an edition to the
/// delivery engine exactly once. Every change of state is a conditional update from the state it was read in, inside
/// the transaction that does the work, so two instances (or an editor and the scheduler) can never both act on it.
/// </summary>
public sealed partial class EditionService(
    BroadsheetDb db,
    EditionPlanner planner,
    DigestSelector selector,
    DigestRenderer renderer,
    SendService sends,
    DeliverySignal signal,
    IMailTransport mail,
    DkimMessageSigner dkim,
    IOptions<BroadsheetOptions> options,
    TimeProvider time,
    IEnumerable<IContentChangeListener> listeners,
    ILogger<EditionService> logger)
{
    /// <summary>The states an editor may still change an edition in.</summary>
    private static readonly EditionStatus[] Editable = [EditionStatus.Draft, EditionStatus.Approved, EditionStatus.Held];

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private BroadsheetOptions Options => options.Value;

    // ---- The scheduler's part -------------------------------------------------------------------------------------

    /// <summary>
    /// One pass of the digest's clock: makes the editions that are due for review and chooses their posts, hands the
    /// due ones to the delivery engine, and marks finished sends' editions sent. Safe on any number of instances.
    /// </summary>
    public async Task<DigestPass> RunDueAsync(CancellationToken cancellationToken = default)
    {
        await planner.PlanAsync(cancellationToken);
        var prepared = 0;
        foreach (var id in await db.Editions.AsNoTracking()
                     .Where(e => e.Newsletter == Edition.Digest && e.Status == EditionStatus.Draft && e.PreparedAt == null)
                     .OrderBy(e => e.ScheduledFor).Select(e => e.Id).ToListAsync(cancellationToken))
        {
            prepared += await PrepareAsync(id, refresh: false, cancellationToken) ? 1 : 0;
        }

        var started = 0;
        var now = Now;
        var earliest = now - Options.Newsletter.Lateness;
        var requireApproval = Options.Newsletter.RequireApproval;
        var due = await db.Editions.AsNoTracking()
            .Where(e => e.Newsletter == Edition.Digest && e.ScheduledFor <= now && e.ScheduledFor >= earliest)
            .Where(e => e.Status == EditionStatus.Approved || (!requireApproval && e.Status == EditionStatus.Draft))
            .OrderBy(e => e.ScheduledFor).ToListAsync(cancellationToken);
        foreach (var edition in due)
        {
            // An edition no editor touched sends itself with what is new up to its time, not what was new a day before.
            if (edition.Status == EditionStatus.Draft && edition.CuratedAt is null)
            {
                await PrepareAsync(edition.Id, refresh: true, cancellationToken);
            }

            if (await StartSendAsync(edition.Id, [edition.Status], cancellationToken))
            {
                started++;
                LogStarted(edition.Id, edition.Language, edition.PeriodKey);
            }
        }

        var finished = await FinishSentAsync(cancellationToken);
        return new DigestPass(prepared, started, finished);
    }

    /// <summary>
    /// Chooses an edition's posts. Without <paramref name="refresh"/> only an edition never prepared is filled (the
    /// scheduler's first look); with it, an editable edition's posts are chosen again and the editor's changes and
    /// approval are dropped (it needs a fresh look).
    /// </summary>
    /// <returns>False when another instance got there first or the edition is no longer editable.</returns>
    public async Task<bool> PrepareAsync(long editionId, bool refresh, CancellationToken cancellationToken = default)
    {
        var now = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = refresh
            ? await db.Editions.Where(e => e.Id == editionId && (e.Status == EditionStatus.Draft || e.Status == EditionStatus.Approved || e.Status == EditionStatus.Held || e.Status == EditionStatus.Skipped))
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.PreparedAt, now).SetProperty(e => e.Status, EditionStatus.Draft)
                    .SetProperty(e => e.CuratedAt, (DateTime?)null).SetProperty(e => e.ApprovedAt, (DateTime?)null), cancellationToken)
            : await db.Editions.Where(e => e.Id == editionId && e.Status == EditionStatus.Draft && e.PreparedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.PreparedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        var edition = await db.Editions.AsNoTracking().SingleAsync(e => e.Id == editionId, cancellationToken);
        var selected = await selector.SelectAsync(edition, cancellationToken);
        await WriteItemsAsync(edition, selected.Select(s => (s.Post.Id, s.Section)).ToList(), cancellationToken);
        if (selected.Count == 0 && Options.Newsletter.SkipEmpty && edition.Newsletter == Edition.Digest)
        {
            await db.Editions.Where(e => e.Id == editionId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Skipped), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Marks the editions whose send has finished as sent.</summary>
    public async Task<int> FinishSentAsync(CancellationToken cancellationToken = default)
    {
        var finished = await db.Editions.AsNoTracking()
            .Where(e => e.Status == EditionStatus.Sending)
            .Join(db.Sends.Where(s => s.Status == SendStatus.Finished), e => e.SendId, s => s.Id, (e, s) => new { e.Id, s.FinishedAt })
            .ToListAsync(cancellationToken);
        var count = 0;
        foreach (var done in finished)
        {
            var at = done.FinishedAt ?? Now;
            count += await db.Editions.Where(e => e.Id == done.Id && e.Status == EditionStatus.Sending)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Sent).SetProperty(e => e.SentAt, at), cancellationToken);
        }

        return count;
    }

    // ---- What editors do -----------------------------------------------------------------------------------------

    /// <summary>The subject line and the intro; empty means the default subject and no intro.</summary>
    public async Task UpdateTextAsync(long editionId, string? subject, string? intro, int? staffId, CancellationToken cancellationToken = default)
    {
        (subject, intro) = CleanText(subject, intro);
        await EditAsync(editionId, staffId, () =>
            db.Editions.Where(e => e.Id == editionId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Subject, subject).SetProperty(e => e.Intro, intro), cancellationToken), cancellationToken);
    }

    /// <summary>Moves a post one place up or down within its section.</summary>
    public async Task MoveAsync(long editionId, int postId, bool up, int? staffId, CancellationToken cancellationToken = default) =>
        await EditAsync(editionId, staffId, async () =>
        {
            var items = await db.EditionItems.Where(i => i.EditionId == editionId).OrderBy(i => i.Position).ToListAsync(cancellationToken);
            var item = items.FirstOrDefault(i => i.PostId == postId) ?? throw Problem(EditionProblem.UnknownPost, "That post is not in this edition.");
            var section = items.Where(i => i.Section == item.Section).ToList();
            var index = section.IndexOf(item);
            var other = up ? (index > 0 ? section[index - 1] : null) : (index < section.Count - 1 ? section[index + 1] : null);
            if (other is not null)
            {
                (item.Position, other.Position) = (other.Position, item.Position);
                await db.SaveChangesAsync(cancellationToken);
            }
        }, cancellationToken);

    /// <summary>Takes a post out of the edition (it may then go in a later one).</summary>
    public async Task RemoveAsync(long editionId, int postId, int? staffId, CancellationToken cancellationToken = default) =>
        await EditAsync(editionId, staffId, async () =>
        {
            if (await db.EditionItems.Where(i => i.EditionId == editionId && i.PostId == postId).ExecuteDeleteAsync(cancellationToken) == 0)
            {
                throw Problem(EditionProblem.UnknownPost, "That post is not in this edition.");
            }
        }, cancellationToken);

    /// <summary>
    /// Approves an edition: it goes out at its time. Approving one whose time has passed sends it now (an editor said
    /// so; the lateness window only limits what the scheduler does alone).
    /// </summary>
    /// <returns>True when this sent it now.</returns>
    public async Task<bool> ApproveAsync(long editionId, int? staffId, CancellationToken cancellationToken = default)
    {
        var edition = await FindAsync(editionId, cancellationToken);
        await RequireItemsAsync(edition, cancellationToken);
        var now = Now;
        var moved = await db.Editions.Where(e => e.Id == editionId && (e.Status == EditionStatus.Draft || e.Status == EditionStatus.Held))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Approved).SetProperty(e => e.ApprovedAt, now).SetProperty(e => e.ReviewedById, staffId), cancellationToken);
        if (moved == 0 && edition.Status != EditionStatus.Approved)
        {
            throw NotEditable(edition);
        }

        return edition.ScheduledFor <= now && await StartSendAsync(editionId, [EditionStatus.Approved], cancellationToken);
    }

    /// <summary>Holds an edition: it does not go out until an editor approves it.</summary>
    public async Task HoldAsync(long editionId, int? staffId, CancellationToken cancellationToken = default)
    {
        var edition = await FindAsync(editionId, cancellationToken);
        var moved = await db.Editions.Where(e => e.Id == editionId && (e.Status == EditionStatus.Draft || e.Status == EditionStatus.Approved))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Held).SetProperty(e => e.ApprovedAt, (DateTime?)null).SetProperty(e => e.ReviewedById, staffId), cancellationToken);
        if (moved == 0 && edition.Status != EditionStatus.Held)
        {
            throw NotEditable(edition);
        }
    }

    /// <summary>Sends an edition now, whatever its time (the CLI's send-now, the console's button for a missed edition).</summary>
    public async Task SendNowAsync(long editionId, int? staffId, CancellationToken cancellationToken = default)
    {
        var edition = await FindAsync(editionId, cancellationToken);
        await RequireItemsAsync(edition, cancellationToken);
        if (!Editable.Contains(edition.Status) || !await StartSendAsync(editionId, Editable, cancellationToken, staffId))
        {
            throw NotEditable(await FindAsync(editionId, cancellationToken));
        }
    }

    /// <summary>
    /// Sends the edition as a reader would get it to one address, marked as a test, with links to the site in place of
    /// a reader's own; no subscriber is made or touched.
    /// </summary>
    public async Task<TransportResult> SendTestAsync(long editionId, string address, CancellationToken cancellationToken = default)
    {
        if (!EmailAddress.TryParse(address, out var to, out _))
        {
            throw Problem(EditionProblem.InvalidAddress, "Enter one valid email address for the test.");
        }

        var edition = await FindAsync(editionId, cancellationToken);
        var rendered = await renderer.RenderAsync(edition, EditionView.Preview, cancellationToken);
        var o = Options;
        var from = MailboxAddress.Parse(o.Mail.From);
        var message = new MimeMessage
        {
            Subject = (edition.Language == Language.Arabic ? "[تجربة] " : "[Test] ") + rendered.Subject,
            Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody(),
            Date = time.GetUtcNow(),
            MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain),
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress("", to.Value));
        if (o.Mail.ReplyTo.Length > 0)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(o.Mail.ReplyTo));
        }

        dkim.Sign(message);
        var envelope = string.IsNullOrWhiteSpace(o.Mail.BounceAddress) ? from.Address : MailboxAddress.Parse(o.Mail.BounceAddress).Address;
        return await mail.SendAsync(new OutgoingMessage(message, new MailboxAddress("", envelope), new MailboxAddress("", to.Value)), cancellationToken);
    }

    /// <summary>
    /// A special edition (breaking news) from chosen posts, one per language of the segment: each carries the chosen
    /// posts of its language and the translations of the others. It is a draft to review, test and approve like a
    /// digest edition; approving it sends it at once to that language's subscribers.
    /// </summary>
    public async Task<IReadOnlyList<Edition>> CreateSpecialAsync(
        IReadOnlyCollection<string> languages, IReadOnlyCollection<int> postIds, string? subject, string? intro, int? staffId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(languages);
        ArgumentNullException.ThrowIfNull(postIds);
        (subject, intro) = CleanText(subject, intro);
        var segment = languages.Where(Options.EffectiveLanguages.Contains).Distinct().ToList();
        if (segment.Count == 0)
        {
            throw Problem(EditionProblem.InvalidText, "Choose at least one language to send to.");
        }

        var now = Now;
        var chosen = await db.Posts.AsNoTracking().Where(p => postIds.Contains(p.Id)).ToListAsync(cancellationToken);
        if (chosen.Count == 0 || chosen.Count != postIds.Distinct().Count() || chosen.Any(p => !p.IsPublic(now)))
        {
            throw Problem(EditionProblem.UnknownPost, "Choose published posts only.");
        }

        var keys = chosen.Where(p => p.TranslationKey != null).Select(p => p.TranslationKey).ToList();
        var translations = await db.Posts.AsNoTracking()
            .Where(p => keys.Contains(p.TranslationKey) && p.Status == PostStatus.Published && p.PublishAt <= now).ToListAsync(cancellationToken);
        // Each language's posts in the order the editor chose them: a translation takes its original's place.
        int Rank(Post post) => chosen.FindIndex(c => c.Id == post.Id || (c.TranslationKey != null && c.TranslationKey == post.TranslationKey));

        var made = new List<Edition>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var language in segment)
        {
            var posts = chosen.Concat(translations).Where(p => p.Language == language).DistinctBy(p => p.Id).OrderBy(Rank).ToList();
            if (posts.Count == 0)
            {
                throw Problem(EditionProblem.Empty, language == Language.Arabic
                    ? "None of the chosen posts is in Arabic, nor translated into it."
                    : "None of the chosen posts is in English, nor translated into it.");
            }

            var edition = new Edition
            {
                Newsletter = Edition.Special, Language = language, PeriodKey = await SpecialKeyAsync(language, cancellationToken),
                Status = EditionStatus.Draft, ScheduledFor = now, CreatedAt = now, PreparedAt = now, CuratedAt = now, ReviewedById = staffId,
                Subject = subject, Intro = intro,
            };
            db.Editions.Add(edition);
            await db.SaveChangesAsync(cancellationToken);
            made.Add(edition);
            await WriteItemsAsync(edition, posts.Select(p => (p.Id, p.Kind)).ToList(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return made;
    }

    /// <summary>
    /// The digest edition of the first send time at or after <paramref name="at"/>, as it stands or, when it is not
    /// prepared yet, as it would be if prepared now: then it is chosen and rendered inside a transaction that is rolled
    /// back, so a preview writes nothing.
    /// </summary>
    public async Task<(Edition Edition, RenderedEdition Rendered, bool Prepared)> PreviewAsync(string language, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var schedule = planner.Schedule();
        var sendTime = schedule.Next(at.AddTicks(-1)) ?? throw Problem(EditionProblem.NotDue, "The schedule never sends again.");
        var key = schedule.PeriodKey(sendTime);
        if (await FindByPeriodAsync(Edition.Digest, language, key, cancellationToken) is { PreparedAt: not null } existing)
        {
            return (existing, await renderer.RenderAsync(existing, EditionView.Preview, cancellationToken), true);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var edition = await FindByPeriodAsync(Edition.Digest, language, key, cancellationToken);
        if (edition is null)
        {
            edition = new Edition
            {
                Newsletter = Edition.Digest, Language = language, PeriodKey = key, Status = EditionStatus.Draft,
                ScheduledFor = sendTime.UtcDateTime, CreatedAt = Now,
            };
            db.Editions.Add(edition);
            await db.SaveChangesAsync(cancellationToken);
        }

        var selected = await selector.SelectAsync(edition, cancellationToken);
        await WriteItemsAsync(edition, selected.Select(x => (x.Post.Id, x.Section)).ToList(), cancellationToken);
        var rendered = await renderer.RenderAsync(edition, EditionView.Preview, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return (edition, rendered, false);
    }

    /// <summary>
    /// The digest editions of a period (one per language, or the one of <paramref name="language"/>), made and
    /// prepared now when their time has not come yet, for an operator who wants to send one early.
    /// </summary>
    public async Task<IReadOnlyList<Edition>> EnsurePeriodAsync(string periodKey, string? language, CancellationToken cancellationToken = default)
    {
        var schedule = planner.Schedule();
        var sendTime = schedule.TimeOf(periodKey) ?? throw Problem(EditionProblem.NotFound,
            $"'{periodKey}' is not a period of the schedule: use a key such as {schedule.PeriodKey(schedule.Next(time.GetUtcNow()) ?? time.GetUtcNow())} (digest status lists them).");
        var editions = new List<Edition>();
        foreach (var lang in language is null ? Options.EffectiveLanguages : [language])
        {
            var (edition, _) = await planner.EnsureAsync(schedule, sendTime, lang, cancellationToken);
            if (edition.PreparedAt is null)
            {
                await PrepareAsync(edition.Id, refresh: false, cancellationToken);
            }

            editions.Add(await FindAsync(edition.Id, cancellationToken));
        }

        return editions;
    }

    /// <summary>How many readers an edition of <paramref name="language"/> goes to if sent now.</summary>
    public Task<int> AudienceAsync(string language, CancellationToken cancellationToken = default)
    {
        var flag = NewsletterLanguagesExtensions.Of(language);
        return db.Subscribers.AsNoTracking().CountAsync(s => s.Status == SubscriberStatus.Active && (s.Languages & flag) != 0, cancellationToken);
    }

    // ---- Reading ----------------------------------------------------------------------------------------------------

    public Task<Edition?> GetAsync(long editionId, CancellationToken cancellationToken = default) =>
        db.Editions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == editionId, cancellationToken);

    /// <summary>An edition by its newsletter, language and period key (the CLI's and the archive's way to name one).</summary>
    public Task<Edition?> FindByPeriodAsync(string newsletter, string language, string periodKey, CancellationToken cancellationToken = default) =>
        db.Editions.AsNoTracking().FirstOrDefaultAsync(e => e.Newsletter == newsletter && e.Language == language && e.PeriodKey == periodKey, cancellationToken);

    /// <summary>The edition's posts in order, with their sections.</summary>
    public async Task<IReadOnlyList<(EditionItem Item, Post Post)>> ItemsAsync(long editionId, CancellationToken cancellationToken = default) =>
        (await db.EditionItems.AsNoTracking().Where(i => i.EditionId == editionId)
            .Join(db.Posts.AsNoTracking(), i => i.PostId, p => p.Id, (i, p) => new { i, p }).OrderBy(x => x.i.Position).ToListAsync(cancellationToken))
        .Select(x => (x.i, x.p)).ToList();

    /// <summary>How an edition's send is going: its deliveries by state, and the bounces and complaints they drew.</summary>
    public async Task<EditionProgress> ProgressAsync(Edition edition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edition);
        return edition.SendId is { } sendId && (await ProgressAsync([sendId], cancellationToken)).TryGetValue(sendId, out var progress)
            ? progress
            : EditionProgress.None;
    }

    /// <summary>
    /// The same for many sends at once (a page of past editions) in three grouped queries: deliveries by (send, state)
    /// through the unique (send, subscriber) index, and the bounces and complaints they drew.
    /// </summary>
    public async Task<Dictionary<long, EditionProgress>> ProgressAsync(IReadOnlyCollection<long> sendIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sendIds);
        if (sendIds.Count == 0)
        {
            return [];
        }

        var sends = await db.Sends.AsNoTracking().Where(s => sendIds.Contains(s.Id))
            .Select(s => new { s.Id, s.Status, s.Recipients, s.FailureReason }).ToListAsync(cancellationToken);
        var states = (await db.Deliveries.AsNoTracking().Where(d => sendIds.Contains(d.SendId))
            .GroupBy(d => new { d.SendId, d.State }).Select(g => new { g.Key.SendId, g.Key.State, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToLookup(s => s.SendId);
        var bounces = (await db.BounceEvents.AsNoTracking()
            .Join(db.Deliveries.AsNoTracking().Where(d => sendIds.Contains(d.SendId)), b => b.DeliveryId, d => d.Id, (b, d) => new { d.SendId, b.Kind })
            .GroupBy(x => new { x.SendId, x.Kind }).Select(g => new { g.Key.SendId, g.Key.Kind, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToLookup(b => b.SendId);
        return sends.ToDictionary(s => s.Id, s =>
        {
            int Of(DeliveryState state) => states[s.Id].Where(x => x.State == state).Sum(x => x.Count);
            int Kind(BounceKind kind) => bounces[s.Id].Where(x => x.Kind == kind).Sum(x => x.Count);
            return new EditionProgress(
                s.Recipients, Of(DeliveryState.Sent), Of(DeliveryState.Deferred) + Of(DeliveryState.Unknown), Of(DeliveryState.Failed),
                Of(DeliveryState.Pending) + Of(DeliveryState.Claimed), Of(DeliveryState.Skipped),
                Kind(BounceKind.HardBounce) + Kind(BounceKind.SoftBounce), Kind(BounceKind.Complaint), s.Status, s.FailureReason);
        });
    }

    // ---- The parts --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Hands an edition to the delivery engine: moves it to sending from one of <paramref name="from"/> and creates its
    /// send in one transaction, so it is sent once whoever else tries at the same moment.
    /// </summary>
    private async Task<bool> StartSendAsync(long editionId, EditionStatus[] from, CancellationToken cancellationToken, int? staffId = null)
    {
        var edition = await FindAsync(editionId, cancellationToken);
        if (!from.Contains(edition.Status))
        {
            return false;
        }

        if (!await db.EditionItems.AnyAsync(i => i.EditionId == editionId, cancellationToken))
        {
            if (edition.Newsletter == Edition.Digest && Options.Newsletter.SkipEmpty)
            {
                await db.Editions.Where(e => e.Id == editionId && from.Contains(e.Status))
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Skipped), cancellationToken);
            }

            return false;
        }

        var rendered = await renderer.RenderAsync(edition, EditionView.Email, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Editions.Where(e => e.Id == editionId && from.Contains(e.Status))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, EditionStatus.Sending), cancellationToken);
        if (moved == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        var send = edition.Newsletter == Edition.Digest
            ? await sends.CreateEditionAsync(edition.Language, rendered.Subject, rendered.Html, rendered.Text, cancellationToken)
            : await sends.CreateCampaignAsync(edition.Language, rendered.Subject, rendered.Html, rendered.Text, cancellationToken);
        await db.Editions.Where(e => e.Id == editionId).ExecuteUpdateAsync(
            u => u.SetProperty(e => e.SendId, send.Id).SetProperty(e => e.ReviewedById, e => staffId ?? e.ReviewedById), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();

        // It is public now: the archive lists it, so cached archive pages go.
        foreach (var listener in listeners)
        {
            await listener.ContentChangedAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>An editor's change: only while the edition is editable; an approved one goes back to draft to be approved again.</summary>
    private async Task EditAsync(long editionId, int? staffId, Func<Task> change, CancellationToken cancellationToken)
    {
        var now = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var edition = await FindAsync(editionId, cancellationToken);
        var moved = await db.Editions.Where(e => e.Id == editionId && (e.Status == EditionStatus.Draft || e.Status == EditionStatus.Approved || e.Status == EditionStatus.Held))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.CuratedAt, now).SetProperty(e => e.ReviewedById, staffId)
                .SetProperty(e => e.Status, e => e.Status == EditionStatus.Approved ? EditionStatus.Draft : e.Status)
                .SetProperty(e => e.ApprovedAt, e => e.Status == EditionStatus.Approved ? (DateTime?)null : e.ApprovedAt), cancellationToken);
        if (moved == 0)
        {
            throw NotEditable(edition);
        }

        await change();
        await transaction.CommitAsync(cancellationToken);
    }

    private static (string? Subject, string? Intro) CleanText(string? subject, string? intro)
    {
        subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim();
        intro = string.IsNullOrWhiteSpace(intro) ? null : intro.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (subject is not null && (subject.Length > SendService.MaxSubjectLength || subject.Any(char.IsControl)))
        {
            throw Problem(EditionProblem.InvalidText, $"The subject is one line of at most {SendService.MaxSubjectLength} characters.");
        }

        if (intro is not null && (intro.Length > Edition.MaxIntroLength || intro.Any(c => char.IsControl(c) && c != '\n')))
        {
            throw Problem(EditionProblem.InvalidText, $"The intro is plain text of at most {Edition.MaxIntroLength} characters.");
        }

        return (subject, intro);
    }

    private async Task WriteItemsAsync(Edition edition, IReadOnlyList<(int PostId, PostKind Section)> posts, CancellationToken cancellationToken)
    {
        await db.EditionItems.Where(i => i.EditionId == edition.Id).ExecuteDeleteAsync(cancellationToken);
        db.EditionItems.AddRange(posts.Select((p, index) => new EditionItem
        {
            EditionId = edition.Id, Newsletter = edition.Newsletter, PostId = p.PostId, Section = p.Section, Position = index,
        }));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    // A special edition's key: its local date and a number, e.g. 2026-11-30-1 (unique like a digest's period key).
    private async Task<string> SpecialKeyAsync(string language, CancellationToken cancellationToken)
    {
        var day = TimeZoneInfo.ConvertTime(time.GetUtcNow(), Options.ResolveTimeZone()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var taken = await db.Editions.AsNoTracking().CountAsync(e => e.Newsletter == Edition.Special && e.Language == language && e.PeriodKey.StartsWith(day), cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"{day}-{taken + 1}");
    }

    private async Task<Edition> FindAsync(long editionId, CancellationToken cancellationToken) =>
        await db.Editions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == editionId, cancellationToken)
        ?? throw Problem(EditionProblem.NotFound, "There is no such edition.");

    private async Task RequireItemsAsync(Edition edition, CancellationToken cancellationToken)
    {
        if (!await db.EditionItems.AnyAsync(i => i.EditionId == edition.Id, cancellationToken))
        {
            throw Problem(EditionProblem.Empty, "This edition has no posts: add some (refresh the selection) before it can go out.");
        }
    }

    private static EditionException NotEditable(Edition edition) => edition.Status switch
    {
        EditionStatus.Sending or EditionStatus.Sent => Problem(EditionProblem.AlreadySent, "This edition has already gone to the delivery engine; it can no longer be changed."),
        EditionStatus.Skipped => Problem(EditionProblem.Empty, "This edition was skipped: nothing was new. Refresh its selection to fill it again."),
        _ => Problem(EditionProblem.NotDue, "This edition cannot do that in its present state."),
    };

    private static EditionException Problem(EditionProblem problem, string message) => new(message) { Problem = problem };

    [LoggerMessage(Level = LogLevel.Information, Message = "Edition {EditionId} ({Language}, {PeriodKey}) handed to the delivery engine")]
    private partial void LogStarted(long editionId, string language, string periodKey);
}

/// <summary>What one pass of the digest's clock did.</summary>
public sealed record DigestPass(int Prepared, int Started, int Finished);

/// <summary>An edition's send in numbers (recipients; sent; deferred or unknown; failed; waiting; skipped; bounced; complaints).</summary>
public sealed record EditionProgress(
    int Recipients, int Sent, int Deferred, int Failed, int Waiting, int Skipped, int Bounced, int Complaints, SendStatus? SendStatus, string? FailureReason)
{
    public static EditionProgress None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, null, null);
}
