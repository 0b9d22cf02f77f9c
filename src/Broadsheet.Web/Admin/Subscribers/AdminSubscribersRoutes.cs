using System.Globalization;
using System.Security.Cryptography;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Web.Admin.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>
/// The admin's routes for subscribers (mapped into the /admin group by <see cref="AdminRoutes"/>), for editors and
/// above: counts, search by exact address, the latest signups, one subscriber's whole record, the CSV export and
/// erasure. Addresses are only ever found through the blind index; the search and the export are POSTs, so an
/// address never sits in a URL (and so never in an access log, a proxy's log or the browser's history).
/// </summary>
internal static partial class AdminSubscribersRoutes
{
    public const int PageSize = 50;

    /// <summary>A subscriber's page shows at most this many of their deliveries, newest first.</summary>
    public const int DeliveriesShown = 200;

    public static void MapAdminSubscribers(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var subscribers = admin.MapGroup("/subscribers").RequireAuthorization(AdminAuth.NewslettersPolicy);
        subscribers.MapGet("/", List);
        subscribers.MapPost("/search", Search);
        subscribers.MapPost("/export", Export);
        subscribers.MapGet("/{id:long}", Details);
        subscribers.MapGet("/{id:long}/erase", EraseConfirm);
        subscribers.MapPost("/{id:long}/erase", Erase);
    }

    private static Task<IResult> List(HttpContext context, BroadsheetDb db, AddressProtector protector, string? page, string? notice, CancellationToken ct) =>
        ListView(context, db, protector, page, search: null, email: null, error: null, StatusCodes.Status200OK, notice, ct);

    private static async Task<IResult> ListView(
        HttpContext context, BroadsheetDb db, AddressProtector protector, string? page, SubscriberSearch? search, string? email, string? error, int status,
        string? notice, CancellationToken ct)
    {
        var text = SubscribersText.For(context.Member().Language);
        var counts = await CountsAsync(db, ct);
        var current = AdminOutboxRoutes.CurrentPage(page, counts.Total);

        // The newest first by id: the primary key's order is signup order, and paging on it needs no other index.
        var latest = await db.Subscribers.AsNoTracking()
            .OrderByDescending(s => s.Id)
            .Skip((current - 1) * PageSize)
            .Take(PageSize)
            .ToListAsync(ct);
        return AdminPage.Render<SubscribersPage>(context, AdminText.For(context.Member().Language).Subscribers, new()
        {
            ["Counts"] = counts,
            ["Latest"] = latest.Select(s => Row(s, protector)).ToList(),
            ["Page"] = current,
            ["Pages"] = AdminOutboxRoutes.Pages(counts.Total),
            ["Search"] = search,
            ["Email"] = email,
        }, status, error, notice == "erased" ? text.Erased : null);
    }

    /// <summary>Finds one subscriber by the exact address, normalised as at signup, through the blind index: the only way.</summary>
    private static async Task<IResult> Search(HttpContext context, BroadsheetDb db, AddressProtector protector, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var typed = form["email"].ToString();
        var kept = typed.Length <= EmailAddress.MaxLength ? typed : null;
        if (!EmailAddress.TryParse(typed, out var address, out _))
        {
            return await ListView(context, db, protector, null, null, kept, SubscribersText.For(context.Member().Language).FindInvalid,
                StatusCodes.Status400BadRequest, null, ct);
        }

        var index = protector.BlindIndex(address.Value);
        var found = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.EmailIndex == index, ct);
        Suppression? suppression = null;
        if (found is null)
        {
            var hash = protector.SuppressionHash(address.Value);
            suppression = await db.Suppressions.AsNoTracking().FirstOrDefaultAsync(s => s.AddressHash == hash, ct);
        }

        var search = new SubscriberSearch(found is null ? null : Row(found, protector), suppression);
        return await ListView(context, db, protector, null, search, kept, null, StatusCodes.Status200OK, null, ct);
    }

    /// <summary>The same CSV as <c>subscribers export</c>, streamed to the browser as a download.</summary>
    private static IResult Export(HttpContext context, TimeProvider time, ILoggerFactory loggers)
    {
        LogExport(loggers.CreateLogger(typeof(AdminSubscribersRoutes).FullName!), context.Member().Id);
        var name = string.Create(CultureInfo.InvariantCulture, $"subscribers-{time.GetUtcNow():yyyy-MM-dd}.csv");
        return Results.Stream(
            async body =>
            {
                var exporter = ActivatorUtilities.CreateInstance<SubscriberExporter>(context.RequestServices);
                await exporter.ExportAsync(body, progress: null, context.RequestAborted);
            },
            "text/csv; charset=utf-8",
            name);
    }

    private static async Task<IResult> Details(HttpContext context, long id, BroadsheetDb db, AddressProtector protector, CancellationToken ct)
    {
        var subscriber = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscriber is null)
        {
            return AdminPage.NotFound(context);
        }

        var row = Row(subscriber, protector);
        Suppression? suppression = null;
        if (row.Email is { } email)
        {
            var hash = protector.SuppressionHash(email);
            suppression = await db.Suppressions.AsNoTracking().FirstOrDefaultAsync(s => s.AddressHash == hash, ct);
        }

        var consents = await ConsentHistory.LoadAsync(db, subscriber, ct);

        // Through the deliveries' subscriber index; the join brings each send's subject and kind.
        var deliveries = (await db.Deliveries.AsNoTracking()
            .Where(d => d.SubscriberId == id)
            .Join(db.Sends, d => d.SendId, s => s.Id, (d, s) => new { s.Id, s.Kind, s.Subject, s.Language, s.CreatedAt, d.State, d.Attempts, d.SentAt, d.LastResult })
            .OrderByDescending(d => d.Id)
            .Take(DeliveriesShown)
            .ToListAsync(ct))
            .Select(d => new SubscriberDelivery(d.Id, d.Kind, d.Subject, d.Language, d.CreatedAt, d.State, d.Attempts, d.SentAt, d.LastResult))
            .ToList();

        var details = new SubscriberDetails(
            row, subscriber.UpdatedAt, subscriber.UnsubscribedAt, subscriber.LastConfirmationSentAt, subscriber.ConfirmationNonce is not null,
            suppression, consents, deliveries);
        var title = row.Email ?? SubscribersText.For(context.Member().Language).Undecryptable;
        return AdminPage.Render<SubscriberPage>(context, title, new() { ["Details"] = details });
    }

    private static async Task<IResult> EraseConfirm(HttpContext context, long id, BroadsheetDb db, AddressProtector protector, CancellationToken ct)
    {
        var subscriber = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscriber is null)
        {
            return AdminPage.NotFound(context);
        }

        var text = SubscribersText.For(context.Member().Language);
        return AdminPage.Render<AdminConfirmPage>(context, text.EraseTitle, new()
        {
            ["Question"] = text.Format(text.EraseConfirm, Row(subscriber, protector).Email ?? text.Undecryptable),
            ["Action"] = $"/admin/subscribers/{id}/erase",
            ["Button"] = text.Erase,
            ["Back"] = $"/admin/subscribers/{id}",
        });
    }

    /// <summary>Erasure through the library's one way to do it: the row and its history go, a suppression stays.</summary>
    private static async Task<IResult> Erase(HttpContext context, long id, BroadsheetDb db, AddressProtector protector, CancellationToken ct)
    {
        var subscriber = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscriber is null || Row(subscriber, protector).Email is not { } email || !EmailAddress.TryParse(email, out var address, out _))
        {
            // Gone already (erased in another tab), or unreadable with this key: nothing here can be erased safely.
            return AdminPage.NotFound(context);
        }

        var eraser = ActivatorUtilities.CreateInstance<SubscriberEraser>(context.RequestServices);
        return await eraser.EraseAsync(address, ct)
            ? AdminPage.Done("/admin/subscribers", "erased")
            : AdminPage.NotFound(context);
    }

    /// <summary>The counts by status and by languages: two GROUP BYs over the (status, languages) index, never the rows.</summary>
    private static async Task<SubscriberCounts> CountsAsync(BroadsheetDb db, CancellationToken ct)
    {
        var byStatus = await db.Subscribers.GroupBy(s => s.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var byLanguages = await db.Subscribers.GroupBy(s => s.Languages).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        return new SubscriberCounts(byStatus.ToDictionary(s => s.Key, s => s.Count), byLanguages.ToDictionary(l => l.Key, l => l.Count));
    }

    private static SubscriberRow Row(Subscriber subscriber, AddressProtector protector) => new(
        subscriber.Id,
        Decrypt(protector, subscriber.EmailEncrypted),
        subscriber.NameEncrypted is null ? null : Decrypt(protector, subscriber.NameEncrypted),
        subscriber.Status,
        subscriber.Languages,
        subscriber.CreatedAt,
        subscriber.ConfirmedAt);

    private static string? Decrypt(AddressProtector protector, byte[] value)
    {
        try
        {
            return protector.Decrypt(value);
        }
        catch (CryptographicException)
        {
            // Another key than the one the row was written with: the page says so instead of failing whole.
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriber export downloaded by staff member {StaffId}")]
    private static partial void LogExport(ILogger logger, int staffId);
}
