using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Broadsheet.Web.Admin.Outbox;

/// <summary>
/// The admin's routes for the outbox viewer (mapped into the /admin group by <see cref="AdminRoutes"/>), for editors
/// and above. In the default set-up it lists the <c>.eml</c> files the outbox transport wrote and shows one as its
/// recipient would see it; with SMTP it lists the latest sends and their deliveries by state instead.
/// </summary>
internal static class AdminOutboxRoutes
{
    public const int PageSize = 50;

    // The message's own HTML, from our templates but holding whatever a title or a reader's name put in it: no
    // script, no form, no plugin, nothing fetched but images, and only inside the admin's own frame.
    public const string HtmlPolicy = "sandbox; default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; frame-ancestors 'self'";

    public static void MapAdminOutbox(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var outbox = admin.MapGroup("/outbox").RequireAuthorization(AdminAuth.NewslettersPolicy);
        outbox.MapGet("/", List);
        outbox.MapGet("/{name}", Message);
        outbox.MapGet("/{name}/html", MessageHtml);
    }

    private static async Task<IResult> List(HttpContext context, IOptions<BroadsheetOptions> options, BroadsheetDb db, string? page, CancellationToken ct)
    {
        var title = AdminText.For(context.Member().Language).Outbox;
        var mail = options.Value.Mail;
        if (mail.Transport != MailTransportKind.Outbox)
        {
            var total = await db.Sends.CountAsync(ct);
            var current = CurrentPage(page, total);
            return AdminPage.Render<OutboxSendsPage>(context, title, new()
            {
                ["Relay"] = mail.Smtp.Host,
                ["Sends"] = await SendsAsync(db, current, ct),
                ["Page"] = current,
                ["Pages"] = Pages(total),
            });
        }

        var reader = new OutboxReader(options.Value.DataDirectory);
        var names = reader.List();
        var shown = CurrentPage(page, names.Count);
        var entries = names.Skip((shown - 1) * PageSize).Take(PageSize).Select(name => Entry(reader, name)).ToList();
        return AdminPage.Render<OutboxPage>(context, title, new()
        {
            ["Entries"] = entries,
            ["Total"] = names.Count,
            ["Page"] = shown,
            ["Pages"] = Pages(names.Count),
        });
    }

    private static IResult Message(HttpContext context, string name, IOptions<BroadsheetOptions> options)
    {
        var reader = new OutboxReader(options.Value.DataDirectory);
        MimeMessage? message;
        long size;
        try
        {
            size = reader.Find(name)?.Length ?? 0;
            message = reader.Read(name);
        }
        catch (FormatException)
        {
            message = null;
            size = 0;
        }

        if (message is null)
        {
            return AdminPage.NotFound(context);
        }

        using (message)
        {
            var view = new OutboxMessageView(
                name,
                OutboxAddresses.Display(message.From),
                OutboxAddresses.Display(message.To),
                message.Subject ?? "",
                message.Date == DateTimeOffset.MinValue ? null : message.Date,
                size,
                message.HtmlBody is not null,
                message.TextBody,
                message.Headers.Select(h => KeyValuePair.Create(h.Field, h.Value)).ToList());
            var text = OutboxText.For(context.Member().Language);
            return AdminPage.Render<OutboxMessagePage>(context, view.Subject.Length > 0 ? view.Subject : text.NoSubject, new() { ["Message"] = view });
        }
    }

    /// <summary>The HTML part alone, for the sandboxed frame on the message's page.</summary>
    private static IResult MessageHtml(HttpContext context, string name, IOptions<BroadsheetOptions> options)
    {
        string? html;
        try
        {
            using var message = new OutboxReader(options.Value.DataDirectory).Read(name);
            html = message?.HtmlBody;
        }
        catch (FormatException)
        {
            html = null;
        }

        return html is null ? AdminPage.NotFound(context) : Framed(context, html);
    }

    /// <summary>
    /// A message's own content for a sandboxed frame on an admin page (the outbox's messages, the newsletter's
    /// previews): the admin's pages may not be framed at all (DENY), so this one response may be framed by the
    /// admin's own pages, under <see cref="HtmlPolicy"/>.
    /// </summary>
    public static IResult Framed(HttpContext context, string content, string contentType = "text/html; charset=utf-8")
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.XFrameOptions = "SAMEORIGIN";
        headers.ContentSecurityPolicy = HtmlPolicy;
        return TypedResults.Content(content, contentType);
    }

    private static OutboxEntry Entry(OutboxReader reader, string name)
    {
        var size = 0L;
        try
        {
            size = reader.Find(name)?.Length ?? 0;
            if (reader.ReadHeaders(name) is { } headers)
            {
                var date = DateUtils.TryParse(headers[HeaderId.Date] ?? "", out DateTimeOffset parsed) ? parsed : (DateTimeOffset?)null;
                var to = InternetAddressList.TryParse(headers[HeaderId.To] ?? "", out var list) ? OutboxAddresses.Display(list) : headers[HeaderId.To] ?? "";
                return new OutboxEntry(name, date, to, headers[HeaderId.Subject] ?? "", size, Readable: true);
            }
        }
        catch (FormatException)
        {
        }

        return new OutboxEntry(name, null, "", "", size, Readable: false);
    }

    private static async Task<IReadOnlyList<OutboxSendRow>> SendsAsync(BroadsheetDb db, int page, CancellationToken ct)
    {
        var sends = await db.Sends.AsNoTracking()
            .OrderByDescending(s => s.Id)
            .Skip((page - 1) * PageSize)
            .Take(PageSize)
            .Select(s => new { s.Id, s.Kind, s.Status, s.Language, s.Subject, s.Recipients, s.CreatedAt })
            .ToListAsync(ct);
        var ids = sends.Select(s => s.Id).ToList();

        // Counted per (send, state) for one page of sends: the unique (send, subscriber) index finds each send's rows.
        var counts = await db.Deliveries.AsNoTracking()
            .Where(d => ids.Contains(d.SendId))
            .GroupBy(d => new { d.SendId, d.State })
            .Select(g => new { g.Key.SendId, g.Key.State, Count = g.Count() })
            .ToListAsync(ct);
        var bySend = counts.ToLookup(c => c.SendId);
        return sends.Select(s => new OutboxSendRow(
            s.Id, s.Kind, s.Status, s.Language, s.Subject, s.Recipients, s.CreatedAt,
            bySend[s.Id].ToDictionary(c => c.State, c => c.Count))).ToList();
    }

    public static int Pages(int total) => Math.Max(1, (total + PageSize - 1) / PageSize);

    /// <summary>The page asked for, kept within the pages there are (a stale or mistyped number shows the nearest page).</summary>
    public static int CurrentPage(string? page, int total) =>
        Math.Clamp(int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 1, 1, Pages(total));
}
