using Broadsheet.Data;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// Turns an edition into its subject, HTML and plain text, with the editors' templates (or the built-in ones). The
/// mail's copy keeps the delivery engine's placeholders for each reader's unsubscribe and preferences links, so the
/// content is rendered once per edition and stored once in its send; the web copy (the public archive) has no
/// personal link. Tracking (an open pixel, click-counting links) appears only in the mail, and only when an
/// administrator switched it on.
/// </summary>
public sealed partial class DigestRenderer(
    BroadsheetDb db,
    NewsletterTemplates templates,
    NewsletterTemplateEngine engine,
    IOptions<BroadsheetOptions> options,
    ILogger<DigestRenderer> logger)
{
    /// <summary>Renders the edition with the stored templates; if an editor's template fails on it, with the built-in one.</summary>
    public async Task<RenderedEdition> RenderAsync(Edition edition, EditionView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var set = await templates.GetAsync(cancellationToken);
        var entries = await EntriesAsync(edition, cancellationToken);
        var (subject, model) = DigestModel.Build(edition, entries, view, options.Value);
        return new RenderedEdition(subject, RenderOrDefault(NewsletterTemplateSet.HtmlName, set, model, edition), RenderOrDefault(NewsletterTemplateSet.TextName, set, model, edition));
    }

    /// <summary>Renders the edition with the given templates (the template editor's preview and check).</summary>
    /// <exception cref="NewsletterTemplateException">A template does not parse or fails while rendering.</exception>
    public async Task<RenderedEdition> RenderAsync(Edition edition, EditionView view, NewsletterTemplateSet templates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edition);
        ArgumentNullException.ThrowIfNull(templates);
        var entries = await EntriesAsync(edition, cancellationToken);
        return Render(engine, edition, entries, view, templates, options.Value);
    }

    internal static RenderedEdition Render(
        NewsletterTemplateEngine engine, Edition edition, IReadOnlyList<DigestEntry> entries, EditionView view, NewsletterTemplateSet templates, BroadsheetOptions options)
    {
        var (subject, model) = DigestModel.Build(edition, entries, view, options);
        return new RenderedEdition(
            subject,
            engine.Render(NewsletterTemplateSet.HtmlName, templates.Html, model),
            engine.Render(NewsletterTemplateSet.TextName, templates.Text, model));
    }

    private string RenderOrDefault(string name, NewsletterTemplateSet set, IReadOnlyDictionary<string, object?> model, Edition edition)
    {
        try
        {
            return engine.Render(name, set[name], model);
        }
        catch (NewsletterTemplateException e) when (set[name] != engine.Defaults[name])
        {
            // An editor's template passed its check on the sample edition but fails on this one: the edition still
            // goes out, in the built-in layout, and the operator learns why.
            LogTemplateFailed(e, name, edition.Id);
            return engine.Render(name, engine.Defaults[name], model);
        }
    }

    /// <summary>The edition's posts in its order, with their cover images; posts unpublished since they were chosen are left out.</summary>
    private async Task<IReadOnlyList<DigestEntry>> EntriesAsync(Edition edition, CancellationToken cancellationToken)
    {
        var items = await db.EditionItems.AsNoTracking()
            .Where(i => i.EditionId == edition.Id)
            .OrderBy(i => i.Position)
            .Select(i => new { i.PostId, i.Section })
            .ToListAsync(cancellationToken);
        var ids = items.Select(i => i.PostId).ToList();
        var posts = await db.Posts.AsNoTracking()
            .Where(p => ids.Contains(p.Id) && p.Status != PostStatus.Draft)
            .Include(p => p.CoverMedia)
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        return items.Where(i => posts.ContainsKey(i.PostId)).Select(i => new DigestEntry(posts[i.PostId], i.Section)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The editors' {Template} newsletter template failed on edition {EditionId}; the built-in one was used")]
    private partial void LogTemplateFailed(Exception exception, string template, long editionId);
}
