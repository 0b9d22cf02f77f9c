using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

/// <summary>RSS 2.0 and Atom feeds per language, and the sitemap with hreflang alternates.</summary>
internal static class SiteFeeds
{
    public const int FeedSize = 30;

    private static readonly XNamespace SitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private static readonly XNamespace XhtmlNs = "http://www.w3.org/1999/xhtml";

    public static SyndicationFeed Feed(string language, IReadOnlyList<Post> posts, BroadsheetOptions options)
    {
        var home = new Uri(SiteFormat.Absolute(options.SiteUrl, $"/{language}/"));
        var feed = new SyndicationFeed(
            options.PublicationNameIn(language),
            SiteText.For(language).Footer,
            home,
            home.ToString(),
            posts.Count > 0 ? new DateTimeOffset(posts.Max(p => p.UpdatedAt), TimeSpan.Zero) : DateTimeOffset.UnixEpoch)
        {
            Language = language,
        };
        feed.Items = posts.Select(post =>
        {
            var url = new Uri(SiteFormat.Absolute(options.SiteUrl, SiteFormat.ArticlePath(post.Language, post.Slug)));
            var item = new SyndicationItem(post.Title, SyndicationContent.CreateHtmlContent(post.BodyHtml), url, url.ToString(),
                new DateTimeOffset(post.UpdatedAt, TimeSpan.Zero))
            {
                PublishDate = new DateTimeOffset(post.PublishAt ?? post.UpdatedAt, TimeSpan.Zero),
                Summary = new TextSyndicationContent(post.Lede),
            };
            foreach (var author in post.Authors)
            {
                item.Authors.Add(new SyndicationPerson { Name = author.NameIn(post.Language) });
            }

            foreach (var tag in post.Tags)
            {
                item.Categories.Add(new SyndicationCategory(tag.Name));
            }

            return item;
        }).ToList();
        return feed;
    }

    public static byte[] Rss(SyndicationFeed feed) => Write(w => new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: false).WriteTo(w));

    public static byte[] Atom(SyndicationFeed feed) => Write(w => new Atom10FeedFormatter(feed).WriteTo(w));

    public static byte[] Sitemap(IReadOnlyList<SitemapEntry> entries, BroadsheetOptions options)
    {
        var byKey = entries.Where(e => e.TranslationKey is not null).ToLookup(e => e.TranslationKey);
        var urls = new List<XElement>();
        foreach (var language in options.EffectiveLanguages)
        {
            urls.Add(Url($"/{language}/", null, options.EffectiveLanguages.ToDictionary(l => l, l => $"/{l}/"), options));
        }

        foreach (var entry in entries)
        {
            var alternates = entry.TranslationKey is null
                ? new Dictionary<string, string>()
                : byKey[entry.TranslationKey].ToDictionary(e => e.Language, e => SiteFormat.ArticlePath(e.Language, e.Slug));
            urls.Add(Url(SiteFormat.ArticlePath(entry.Language, entry.Slug), entry.UpdatedAt, alternates.Count > 1 ? alternates : null, options));
        }

        var document = new XDocument(new XElement(SitemapNs + "urlset",
            new XAttribute(XNamespace.Xmlns + "xhtml", XhtmlNs), urls));
        return Write(w => document.WriteTo(w));
    }

    private static XElement Url(string path, DateTime? lastModified, IReadOnlyDictionary<string, string>? alternates, BroadsheetOptions options)
    {
        var url = new XElement(SitemapNs + "url", new XElement(SitemapNs + "loc", SiteFormat.Absolute(options.SiteUrl, path)));
        if (lastModified is { } modified)
        {
            url.Add(new XElement(SitemapNs + "lastmod", SiteFormat.Iso(modified)));
        }

        foreach (var (language, alternate) in alternates ?? new Dictionary<string, string>())
        {
            url.Add(new XElement(XhtmlNs + "link",
                new XAttribute("rel", "alternate"), new XAttribute("hreflang", language),
                new XAttribute("href", SiteFormat.Absolute(options.SiteUrl, alternate))));
        }

        return url;
    }

    private static byte[] Write(Action<XmlWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = false }))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
