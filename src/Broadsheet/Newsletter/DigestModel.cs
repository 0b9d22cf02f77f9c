using System.Text.RegularExpressions;
using Broadsheet.Delivery;
using Broadsheet.Publishing;

namespace Broadsheet.Newsletter;

/// <summary>
/// The variables an edition's Liquid templates see (documented in <c>docs/newsletter-templates.md</c>): plain
/// dictionaries, lists, strings and numbers, so a template reaches nothing but what is put here, whatever an editor
/// writes in it. Built the same way for a real edition and for the sample the template editor checks against.
/// </summary>
internal static partial class DigestModel
{
    /// <summary>The width the cover images are shown at in the mail: the 960 px variant, sharp on high-density screens at 600 px.</summary>
    public const int ImageWidth = 960;

    public static (string Subject, Dictionary<string, object?> Model) Build(
        Edition edition, IReadOnlyList<DigestEntry> entries, EditionView view, BroadsheetOptions options)
    {
        var language = edition.Language;
        var text = DigestText.For(language);
        var site = options.SiteUrl.TrimEnd('/');
        var publication = options.PublicationNameIn(language);
        var date = PublicFormat.Date(edition.ScheduledFor, language, options.ResolveTimeZone());
        var special = edition.Newsletter == Edition.Special;
        var subject = string.IsNullOrWhiteSpace(edition.Subject)
            ? DigestText.Format(special ? text.SpecialSubject : text.DigestSubject, publication, date)
            : edition.Subject.Trim();
        var email = view is EditionView.Email or EditionView.Preview;

        // Counted only in the mail readers get, and only when an administrator switched it on; the addresses name the
        // edition and the post, never the reader.
        var tracked = view == EditionView.Email;
        var trackClicks = tracked && options.Tracking.Clicks;
        var sections = new List<Dictionary<string, object?>>();
        foreach (var group in entries.GroupBy(e => e.Section))
        {
            sections.Add(new()
            {
                ["kind"] = KindName(group.Key),
                ["title"] = text.SectionTitle(group.Key),
                ["items"] = group.Select(e => Item(e.Post, edition, site, text, options, trackClicks)).ToList(),
            });
        }

        var intro = Paragraphs(edition.Intro);
        var why = DigestText.Format(email ? text.WhyEmail : text.WhyWeb, publication);
        var model = new Dictionary<string, object?>
        {
            ["publication"] = publication,
            ["language"] = language,
            ["dir"] = Language.Direction(language),
            ["align"] = Language.IsRightToLeft(language) ? "right" : "left",
            ["view"] = email ? "email" : "web",
            ["subject"] = subject,
            ["heading"] = special ? text.SpecialHeading : text.DigestHeading,
            ["date"] = date,
            ["why"] = why,
            ["preheader"] = intro.FirstOrDefault() ?? entries.Select(e => e.Post.Lede).FirstOrDefault(l => l.Length > 0) ?? why,
            ["intro"] = intro,
            ["sections"] = sections,
            ["links"] = new Dictionary<string, object?>
            {
                ["web"] = $"{site}/{language}/newsletter/{Uri.EscapeDataString(edition.PeriodKey)}",
                // The delivery engine puts each reader's own links here; the archive's copy has none.
                ["preferences"] = view switch { EditionView.Email => Send.PreferencesUrlPlaceholder, EditionView.Preview => $"{site}/{language}/subscribe", _ => null },
                ["unsubscribe"] = view switch { EditionView.Email => Send.UnsubscribeUrlPlaceholder, EditionView.Preview => $"{site}/{language}/subscribe", _ => null },
                ["site"] = $"{site}/{language}/",
                ["subscribe"] = $"{site}/{language}/subscribe",
            },
            ["labels"] = new Dictionary<string, object?>
            {
                ["web_version"] = text.WebVersion,
                ["preferences"] = text.Preferences,
                ["unsubscribe"] = text.Unsubscribe,
                ["subscribe"] = text.Subscribe,
                ["site"] = text.Site,
                ["read_more"] = text.ReadMore,
            },
            ["pixel"] = tracked && options.Tracking.Opens ? $"{site}/newsletter/o/{edition.Id}.gif" : null,
        };
        return (subject, model);
    }

    /// <summary>
    /// A made-up edition in <paramref name="language"/> with one post of each kind (the design with an image), for
    /// checking a template before it is saved and for the editor's preview when no edition is being prepared.
    /// </summary>
    public static (Edition Edition, IReadOnlyList<DigestEntry> Entries) Sample(string language, DateTime scheduledFor)
    {
        var arabic = language == Language.Arabic;
        var edition = new Edition
        {
            Newsletter = Edition.Digest, Language = language, PeriodKey = "sample", Status = EditionStatus.Draft, ScheduledFor = scheduledFor,
            Intro = arabic
                ? "هذه معاينة بمحتوى تجريبي، ليرى المحررون شكل القالب قبل إرسال أي عدد.\n\nتظهر مقدمة العدد هنا، فقرة بعد فقرة."
                : "This is a preview with sample content, so editors can see the template before any edition goes out.\n\nThe edition's introduction appears here, paragraph by paragraph.",
        };
        var published = scheduledFor.AddDays(-3);
        Post Make(int id, PostKind kind, string title, string lede, int words, string? cover = null, string? alt = null) => new()
        {
            Id = id, Kind = kind, Language = language, Title = title, Slug = $"sample-{KindName(kind)}", Lede = lede, WordCount = words,
            Status = PostStatus.Published, PublishAt = published, CoverImageUrl = cover, CoverImageAlt = alt,
        };

        var entries = new List<DigestEntry>
        {
            new(Make(1, PostKind.Report,
                arabic ? "عنوان تقرير تجريبي" : "A sample report's title",
                arabic ? "هنا تظهر خلاصة التقرير: جملة أو جملتان تشرحان ما وجده الفريق." : "The report's lede goes here: a sentence or two on what the team found.",
                2400), PostKind.Report),
            new(Make(2, PostKind.Design,
                arabic ? "تصميم تجريبي" : "A sample design",
                arabic ? "التصاميم تظهر مع صورتها ووصفها النصي." : "Designs are shown with their image and its description.",
                200, "/assets/demo/water-price-line.svg", arabic ? "رسم بياني تجريبي بخط صاعد" : "A sample line chart rising to the right"), PostKind.Design),
            new(Make(3, PostKind.News,
                arabic ? "خبر تجريبي قصير" : "A short sample news item",
                arabic ? "خلاصة الخبر في سطر واحد." : "The news item's lede, in a line.",
                350), PostKind.News),
        };
        return (edition, entries);
    }

    private static Dictionary<string, object?> Item(Post post, Edition edition, string site, DigestText text, BroadsheetOptions options, bool trackClicks)
    {
        var date = post.PublishAt is { } at ? PublicFormat.Date(at, post.Language, options.ResolveTimeZone()) : "";
        var readingTime = text.ReadingTime(ReadingTime.Minutes(post.WordCount, post.Language));
        return new()
        {
            ["title"] = post.Title,
            ["url"] = trackClicks
                ? $"{site}/newsletter/c/{edition.Id}/{post.Id}"
                : PublicFormat.Absolute(site, PublicFormat.ArticlePath(post.Language, post.Slug)),
            ["lede"] = post.Lede,
            ["kind"] = KindName(post.Kind),
            ["date"] = date,
            ["reading_time"] = readingTime,
            // A report is read at length, so its length is worth knowing; news and designs are dated.
            ["meta"] = post.Kind == PostKind.Report ? readingTime : date,
            ["image"] = Image(post, site),
        };
    }

    private static Dictionary<string, object?>? Image(Post post, string site)
    {
        var alt = post.CoverImageAlt ?? post.CoverMedia?.Alt ?? "";
        if (post.CoverMedia is { } media && media.WidthList is { Count: > 0 } widths)
        {
            // The 960 px variant; an original narrower than that has only smaller ones, and the largest of them will do.
            var width = widths.Contains(ImageWidth) ? ImageWidth : widths.Where(w => w <= ImageWidth).DefaultIfEmpty(widths.Min()).Max();
            var height = media.Width > 0 ? (int)Math.Round((double)media.Height * width / media.Width) : width * 9 / 16;
            return new() { ["url"] = Absolute(site, media.UrlFor(width)), ["width"] = width, ["height"] = height, ["alt"] = alt };
        }

        // A cover given by its path (demo content, an API client): its size is not known, so the site's 16:9 is assumed.
        return post.CoverImageUrl is { Length: > 0 } url
            ? new() { ["url"] = Absolute(site, url), ["width"] = ImageWidth, ["height"] = ImageWidth * 9 / 16, ["alt"] = alt }
            : null;
    }

    private static string Absolute(string site, string url) => url.StartsWith('/') ? PublicFormat.Absolute(site, url) : url;

    private static List<string> Paragraphs(string? intro) =>
        string.IsNullOrWhiteSpace(intro)
            ? []
            : BlankLine().Split(intro.Replace("\r\n", "\n", StringComparison.Ordinal).Trim())
                .Select(p => p.Trim())
                .Where(p => p.Length > 0)
                .ToList();

    /// <summary>The kind as the templates name it: <c>report</c>, <c>news</c>, <c>design</c> (as it is stored).</summary>
    public static string KindName(PostKind kind) => kind switch
    {
        PostKind.Report => "report",
        PostKind.News => "news",
        _ => "design",
    };

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex BlankLine();
}
