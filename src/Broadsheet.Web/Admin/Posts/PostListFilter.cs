using System.Globalization;
using System.Text;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>The list's filters and page, read from the query string; anything unreadable is simply no filter.</summary>
public sealed record PostListFilter
{
    public PostKind? Kind { get; init; }
    public string? Language { get; init; }
    public PostStatus? Status { get; init; }

    /// <summary>A byline's author slug.</summary>
    public string? Author { get; init; }

    /// <summary>The tag as typed; matched by its slug.</summary>
    public string? Tag { get; init; }

    public int Page { get; init; } = 1;

    public bool IsActive => Kind is not null || Language is not null || Status is not null || Author is not null || Tag is not null;

    /// <summary>The tag's slug (tags are found by slug in either language).</summary>
    public string? TagSlug => Tag is null ? null : SlugGenerator.FromTitle(Tag) is { Length: > 0 } slug ? slug : null;

    public static PostListFilter From(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var language = query["language"].ToString();
        var author = query["author"].ToString().Trim();
        var tag = query["tag"].ToString().Trim();
        return new PostListFilter
        {
            Kind = PostForm.ParseKind(query["kind"].ToString()),
            Language = Broadsheet.Language.IsSupported(language) ? language : null,
            Status = query["status"].ToString() switch
            {
                "draft" => PostStatus.Draft,
                "scheduled" => PostStatus.Scheduled,
                "published" => PostStatus.Published,
                _ => null,
            },
            Author = author.Length is > 0 and <= SlugGenerator.MaxLength ? author : null,
            Tag = tag.Length is > 0 and <= 100 ? tag : null,
            Page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1,
        };
    }

    /// <summary>The list's address with these filters and <paramref name="page"/>.</summary>
    public string Link(int page)
    {
        var query = new StringBuilder();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        Add("kind", Kind?.ToString().ToLowerInvariant());
        Add("language", Language);
        Add("status", Status?.ToString().ToLowerInvariant());
        Add("author", Author);
        Add("tag", Tag);
        Add("page", page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null);
        return "/admin/posts" + query;
    }
}
