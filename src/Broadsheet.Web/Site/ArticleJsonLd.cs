using System.Text.Json;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

/// <summary>schema.org NewsArticle for an article page. System.Text.Json escapes &lt; and &gt;, so it is safe inside a script tag.</summary>
internal static class ArticleJsonLd
{
    public static string For(Post post, BroadsheetOptions options)
    {
        var url = SiteFormat.Absolute(options.SiteUrl, SiteFormat.ArticlePath(post.Language, post.Slug));
        var document = new Dictionary<string, object?>
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "NewsArticle",
            ["headline"] = post.Title,
            ["description"] = post.Lede.Length > 0 ? post.Lede : null,
            ["inLanguage"] = post.Language,
            ["url"] = url,
            ["mainEntityOfPage"] = new Dictionary<string, string> { ["@type"] = "WebPage", ["@id"] = url },
            ["datePublished"] = post.PublishAt is { } at ? SiteFormat.Iso(at) : null,
            ["dateModified"] = SiteFormat.Iso(post.UpdatedAt),
            ["wordCount"] = post.WordCount,
            ["articleSection"] = SiteText.For(post.Language).KindName(post.Kind),
            ["keywords"] = post.Tags.Count > 0 ? string.Join(", ", post.Tags.Select(t => t.Name)) : null,
            ["image"] = post.CoverImageUrl is null ? null : SiteFormat.Absolute(options.SiteUrl, post.CoverImageUrl),
            ["author"] = post.Authors.Select(a => new Dictionary<string, string>
            {
                ["@type"] = "Person",
                ["name"] = a.NameIn(post.Language),
                ["url"] = SiteFormat.Absolute(options.SiteUrl, SiteFormat.AuthorPath(post.Language, a.Slug)),
            }).ToList(),
            ["publisher"] = new Dictionary<string, string>
            {
                ["@type"] = "NewsMediaOrganization",
                ["name"] = options.PublicationNameIn(post.Language),
                ["url"] = SiteFormat.Absolute(options.SiteUrl, $"/{post.Language}/"),
            },
        };
        return JsonSerializer.Serialize(document.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value));
    }
}
