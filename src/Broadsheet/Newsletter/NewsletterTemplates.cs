using System.Globalization;
using System.Text;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// The newsletter's templates as editors keep them: a stored version per name (<c>html</c>, <c>text</c>) in
/// <c>newsletter_templates</c>, else the built-in one. A template is only saved after it parsed and rendered a
/// sample edition in both languages and both views, and kept the reader's unsubscribe link; a refused one changes
/// nothing, so what is stored can always render an edition.
/// </summary>
public sealed class NewsletterTemplates(BroadsheetDb db, NewsletterTemplateEngine engine, IOptions<BroadsheetOptions> options, TimeProvider time)
{
    /// <summary>The largest template accepted, in UTF-8 bytes: many times the built-in one, far below a mail's limits.</summary>
    public const int MaxBodyBytes = 100 * 1024;

    /// <summary>The built-in templates.</summary>
    public NewsletterTemplateSet Defaults => engine.Defaults;

    /// <summary>The templates in use: each stored one, else the built-in one.</summary>
    public async Task<NewsletterTemplateSet> GetAsync(CancellationToken cancellationToken = default)
    {
        var stored = await StoredAsync(cancellationToken);
        return new NewsletterTemplateSet(
            stored.TryGetValue(NewsletterTemplateSet.HtmlName, out var html) ? html.Body : engine.Defaults.Html,
            stored.TryGetValue(NewsletterTemplateSet.TextName, out var text) ? text.Body : engine.Defaults.Text);
    }

    /// <summary>The editors' stored versions by name (none: the built-in ones are in use).</summary>
    public async Task<IReadOnlyDictionary<string, NewsletterTemplate>> StoredAsync(CancellationToken cancellationToken = default) =>
        await db.NewsletterTemplates.AsNoTracking()
            .Where(t => NewsletterTemplateSet.Names.Contains(t.Name))
            .ToDictionaryAsync(t => t.Name, StringComparer.Ordinal, cancellationToken);

    /// <summary>
    /// Checks both templates: each must parse, render the sample edition in every language and view, and (in the
    /// mail) keep the reader's unsubscribe link.
    /// </summary>
    /// <returns>Every reason a template is refused, in both languages; empty when both are fine.</returns>
    public Task<IReadOnlyList<NewsletterTemplateError>> ValidateAsync(NewsletterTemplateSet set, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var errors = new List<NewsletterTemplateError>();
        foreach (var name in NewsletterTemplateSet.Names)
        {
            if (Check(name, set[name]) is { } error)
            {
                errors.Add(error);
            }
        }

        return Task.FromResult<IReadOnlyList<NewsletterTemplateError>>(errors);
    }

    /// <summary>Saves an editor's version of one template, if it passes <see cref="ValidateAsync"/>; otherwise changes nothing.</summary>
    /// <returns>Why it was refused (empty when saved).</returns>
    public async Task<IReadOnlyList<NewsletterTemplateError>> SaveAsync(string name, string? body, int? staffId, CancellationToken cancellationToken = default)
    {
        if (!NewsletterTemplateSet.IsName(name))
        {
            return [new(name ?? "", "There is no newsletter template of that name; they are html and text.", "لا قالب للنشرة بهذا الاسم؛ القالبان هما html وtext.")];
        }

        var text = (body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Encoding.UTF8.GetByteCount(text) > MaxBodyBytes)
        {
            var limit = (MaxBodyBytes / 1024).ToString(CultureInfo.InvariantCulture);
            return [new(name, $"The template is larger than {limit} KB.", $"القالب أكبر من {limit} كيلوبايت.")];
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return [new(name, "A template cannot be empty. To go back to the built-in one, use \"Back to the built-in template\".",
                "لا يكون القالب فارغاً. للعودة إلى القالب المدمج استخدم «العودة إلى القالب المدمج».")];
        }

        if (Check(name, text) is { } error)
        {
            return [error];
        }

        var now = time.GetUtcNow().UtcDateTime;
        var row = await db.NewsletterTemplates.FirstOrDefaultAsync(t => t.Name == name, cancellationToken);
        if (row is null)
        {
            db.NewsletterTemplates.Add(new NewsletterTemplate { Name = name, Body = text, UpdatedAt = now, UpdatedById = staffId });
        }
        else
        {
            row.Body = text;
            row.UpdatedAt = now;
            row.UpdatedById = staffId;
        }

        await db.SaveChangesAsync(cancellationToken);
        return [];
    }

    /// <summary>Goes back to the built-in template of that name.</summary>
    /// <returns>Whether an editor's version was there to remove.</returns>
    public async Task<bool> ResetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!NewsletterTemplateSet.IsName(name))
        {
            throw new ArgumentOutOfRangeException(nameof(name), name, "A newsletter template is called html or text.");
        }

        return await db.NewsletterTemplates.Where(t => t.Name == name).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>The sample edition in <paramref name="language"/>, rendered with <paramref name="set"/>: the editor's preview when no edition is being prepared.</summary>
    /// <exception cref="NewsletterTemplateException">A template does not render.</exception>
    public RenderedEdition RenderSample(string language, EditionView view, NewsletterTemplateSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var (edition, entries) = DigestModel.Sample(Language.IsSupported(language) ? language : Language.English, SampleDate());
        return DigestRenderer.Render(engine, edition, entries, view, set, options.Value);
    }

    private NewsletterTemplateError? Check(string name, string body)
    {
        if (engine.TryParse(name, body, out _) is { } parseError)
        {
            return parseError;
        }

        var set = engine.Defaults.With(name, body);
        foreach (var language in Language.All)
        {
            var (edition, entries) = DigestModel.Sample(language, SampleDate());
            foreach (var view in new[] { EditionView.Email, EditionView.Web })
            {
                var (_, model) = DigestModel.Build(edition, entries, view, options.Value);
                string output;
                try
                {
                    output = engine.Render(name, set[name], model);
                }
                catch (NewsletterTemplateException e) when (e.Error is not null)
                {
                    return e.Error;
                }

                // Every mail must let its reader leave in one step (and carry the link the List-Unsubscribe header names).
                if (view == EditionView.Email && !output.Contains(Delivery.Send.UnsubscribeUrlPlaceholder, StringComparison.Ordinal))
                {
                    var (english, arabic) = name == NewsletterTemplateSet.HtmlName ? ("HTML", "HTML") : ("plain-text", "النص العادي");
                    return new(name,
                        $"The {english} template must keep the unsubscribe link ({{{{ links.unsubscribe }}}}) in the mail.",
                        $"يجب أن يبقي قالب {arabic} رابط إلغاء الاشتراك ({{{{ links.unsubscribe }}}}) في الرسالة.");
                }
            }
        }

        return null;
    }

    private DateTime SampleDate() => time.GetUtcNow().UtcDateTime;
}
