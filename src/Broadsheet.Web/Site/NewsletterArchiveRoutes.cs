using Broadsheet.Data;
using Broadsheet.Newsletter;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>
/// The public archive: <c>/{lang}/newsletter</c> lists the editions that went out in that language (digest and special),
/// newest first; <c>/{lang}/newsletter/{period}</c> is an edition's web version, the email as sent without any
/// reader's own link (no unsubscribe or preferences token: the renderer's web view has none), so it can be shared.
/// </summary>
internal static class NewsletterArchiveRoutes
{
    public const int PageSize = 24;

    public static void MapNewsletterArchive(this IEndpointRouteBuilder app)
    {
        var site = app.MapGroup("/{lang:lang}/newsletter").CacheOutput(SiteCache.Policy);
        site.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], ListAsync);
        site.MapMethods("/{period}", [HttpMethods.Get, HttpMethods.Head], EditionAsync);
    }

    /// <summary>What the archive shows: editions that reached readers.</summary>
    private static IQueryable<Edition> Public(BroadsheetDb db, string lang) =>
        db.Editions.AsNoTracking().Where(e => e.Language == lang && (e.Status == EditionStatus.Sent || e.Status == EditionStatus.Sending));

    private static async Task<IResult> ListAsync(string lang, string? page, BroadsheetDb db, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.EffectiveLanguages.Contains(lang) || (page is not null && (!int.TryParse(page, out var number) || number < 1 || number > 10_000)))
        {
            return SiteRoutes.NotFoundPage(lang, o);
        }

        var pageNumber = page is null ? 1 : int.Parse(page, System.Globalization.CultureInfo.InvariantCulture);
        var query = Public(db, lang);
        var total = await query.CountAsync(ct);
        var editions = await query.OrderByDescending(e => e.ScheduledFor).ThenByDescending(e => e.Id)
            .Skip((pageNumber - 1) * PageSize).Take(PageSize)
            .Select(e => new ArchiveEntry(e.PeriodKey, e.Newsletter, e.ScheduledFor, db.Sends.Where(s => s.Id == e.SendId).Select(s => s.Subject).FirstOrDefault() ?? e.PeriodKey))
            .ToListAsync(ct);
        if (pageNumber > 1 && editions.Count == 0)
        {
            return SiteRoutes.NotFoundPage(lang, o);
        }

        var text = SiteText.For(lang);
        var meta = new PageMeta
        {
            Language = lang,
            Title = text.ArchiveHeading,
            Description = text.NewsletterBody,
            Path = $"/{lang}/newsletter",
            SwitchPath = $"/{Language.Other(lang)}/newsletter",
            Alternates = o.EffectiveLanguages.ToDictionary(l => l, l => $"/{l}/newsletter"),
        };
        return new RazorComponentResult<NewsletterArchivePage>(new Dictionary<string, object?>
        {
            ["Meta"] = meta, ["Options"] = o, ["Editions"] = editions, ["Page"] = pageNumber, ["PageCount"] = Math.Max(1, (total + PageSize - 1) / PageSize),
        });
    }

    private static async Task<IResult> EditionAsync(string lang, string period, BroadsheetDb db, DigestRenderer renderer, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.EffectiveLanguages.Contains(lang) || period.Length > 16 || !period.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return SiteRoutes.NotFoundPage(lang, o);
        }

        // A digest's key ends in a letter (2026-12-A), a special edition's in a number (2026-11-30-1): one at most matches.
        var edition = await Public(db, lang).Where(e => e.PeriodKey == period).OrderBy(e => e.Newsletter).FirstOrDefaultAsync(ct);
        if (edition is null)
        {
            return SiteRoutes.NotFoundPage(lang, o);
        }

        var rendered = await renderer.RenderAsync(edition, EditionView.Web, ct);
        return Results.Content(rendered.Html, "text/html; charset=utf-8");
    }
}

/// <summary>One line of the archive.</summary>
public sealed record ArchiveEntry(string PeriodKey, string Newsletter, DateTime ScheduledFor, string Subject);
