using Broadsheet.Data;
using Broadsheet.Newsletter;
using Broadsheet.Web.Admin.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// The newsletter's template editor (mapped into the /admin group by <see cref="AdminRoutes"/>), for editors and
/// above: both templates with their variables, a preview of the next edition (or a sample) in each language, saving
/// only what passes the library's check, and going back to the built-in template after a confirmation.
/// </summary>
internal static class TemplateRoutes
{
    public const string Path = "/admin/newsletter/templates";

    public static void MapAdminNewsletterTemplates(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var templates = admin.MapGroup("/newsletter/templates").RequireAuthorization(AdminAuth.NewslettersPolicy);
        templates.MapGet("/", Show);
        templates.MapGet("/preview/{lang}", PreviewHtml);
        templates.MapPost("/{name}", Save);
        templates.MapGet("/{name}/reset", ResetConfirm);
        templates.MapPost("/{name}/reset", Reset);
    }

    private static async Task<IResult> Show(HttpContext context, NewsletterTemplates templates, DigestRenderer renderer, BroadsheetDb db, string? notice, CancellationToken ct)
    {
        var text = TemplateText.For(context.Member().Language);
        var set = await templates.GetAsync(ct);
        return await PageAsync(context, templates, renderer, db, set, error: null, StatusCodes.Status200OK, notice switch
        {
            "saved" => text.Saved,
            "reset" => text.ResetDone,
            "unchanged" => text.NothingToReset,
            _ => null,
        }, ct);
    }

    private static async Task<IResult> Save(HttpContext context, string name, NewsletterTemplates templates, DigestRenderer renderer, BroadsheetDb db, CancellationToken ct)
    {
        if (!NewsletterTemplateSet.IsName(name))
        {
            return AdminPage.NotFound(context);
        }

        var form = await AdminPage.FormAsync(context);
        var body = form["body"].ToString();
        var errors = await templates.SaveAsync(name, body, context.Member().Id, ct);
        if (errors.Count == 0)
        {
            return AdminPage.Done(Path, "saved");
        }

        // The page again with what was typed and every reason, in the admin's language; nothing was saved.
        var language = context.Member().Language;
        var shown = (await templates.GetAsync(ct)).With(name, body);
        return await PageAsync(context, templates, renderer, db, shown, string.Join(" ", errors.Select(e => e.In(language))), StatusCodes.Status400BadRequest, notice: null, ct);
    }

    private static IResult ResetConfirm(HttpContext context, string name)
    {
        if (!NewsletterTemplateSet.IsName(name))
        {
            return AdminPage.NotFound(context);
        }

        var text = TemplateText.For(context.Member().Language);
        return AdminPage.Render<AdminConfirmPage>(context, text.BackToBuiltIn, new()
        {
            ["Question"] = text.ResetConfirm(name),
            ["Action"] = $"{Path}/{name}/reset",
            ["Button"] = text.BackToBuiltIn,
            ["Back"] = Path,
        });
    }

    private static async Task<IResult> Reset(HttpContext context, string name, NewsletterTemplates templates, CancellationToken ct)
    {
        if (!NewsletterTemplateSet.IsName(name))
        {
            return AdminPage.NotFound(context);
        }

        return AdminPage.Done(Path, await templates.ResetAsync(name, ct) ? "reset" : "unchanged");
    }

    /// <summary>The HTML part of the preview alone, for the sandboxed frame on the editor's page.</summary>
    private static async Task<IResult> PreviewHtml(HttpContext context, string lang, NewsletterTemplates templates, DigestRenderer renderer, BroadsheetDb db, CancellationToken ct)
    {
        if (!Broadsheet.Language.IsSupported(lang))
        {
            return AdminPage.NotFound(context);
        }

        var preview = await PreviewAsync(lang, await templates.GetAsync(ct), templates, renderer, db, TemplateText.For(context.Member().Language), ct);

        // Framed by the editor's page under the outbox's policy: no script, no form, nothing fetched but images.
        return preview.Rendered is { } rendered
            ? AdminOutboxRoutes.Framed(context, rendered.Html)
            : AdminOutboxRoutes.Framed(context, preview.Error ?? "", "text/plain; charset=utf-8");
    }

    private static async Task<RazorComponentResult<TemplatesPage>> PageAsync(
        HttpContext context, NewsletterTemplates templates, DigestRenderer renderer, BroadsheetDb db, NewsletterTemplateSet shown, string? error, int status, string? notice,
        CancellationToken ct)
    {
        var text = TemplateText.For(context.Member().Language);
        var stored = await templates.StoredAsync(ct);

        // The preview shows what is in use (a refused template was not saved, so it is not what readers would get).
        var inUse = await templates.GetAsync(ct);
        var previews = new List<TemplatePreview>();
        foreach (var language in Broadsheet.Language.All)
        {
            previews.Add(await PreviewAsync(language, inUse, templates, renderer, db, text, ct));
        }

        return AdminPage.Render<TemplatesPage>(context, text.Title, new()
        {
            ["Bodies"] = shown,
            ["SavedAt"] = stored.ToDictionary(s => s.Key, s => s.Value.UpdatedAt),
            ["Previews"] = previews,
        }, status, error, notice);
    }

    /// <summary>The next digest edition of the language that has posts in it, rendered as its mail; else the sample edition.</summary>
    private static async Task<TemplatePreview> PreviewAsync(
        string language, NewsletterTemplateSet set, NewsletterTemplates templates, DigestRenderer renderer, BroadsheetDb db, TemplateText text, CancellationToken ct)
    {
        var next = await db.Editions.AsNoTracking()
            .Where(e => e.Newsletter == Edition.Digest && e.Language == language
                && (e.Status == EditionStatus.Draft || e.Status == EditionStatus.Approved || e.Status == EditionStatus.Held)
                && db.EditionItems.Any(i => i.EditionId == e.Id))
            .OrderBy(e => e.ScheduledFor)
            .FirstOrDefaultAsync(ct);
        var label = next is null
            ? text.Format(text.SampleEdition, text.EditionLanguage(language))
            : text.Format(text.NextEdition, text.EditionLanguage(language), next.PeriodKey);
        try
        {
            var rendered = next is null
                ? templates.RenderSample(language, EditionView.Preview, set)
                : await renderer.RenderAsync(next, EditionView.Preview, set, ct);
            return new TemplatePreview(language, label, rendered, null);
        }
        catch (NewsletterTemplateException e)
        {
            return new TemplatePreview(language, label, null, text.Format(text.PreviewFailed, e.Error?.In(text.Language) ?? e.Message));
        }
    }
}
