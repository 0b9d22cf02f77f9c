using System.Globalization;
using System.Text;

namespace Broadsheet.Publishing;

/// <summary>
/// Makes URL slugs from titles. Letters and digits of any script are kept (an Arabic title gives an
/// Arabic slug); everything else becomes a single hyphen.
/// </summary>
public static class SlugGenerator
{
    public const int MaxLength = 120;

    /// <summary>Words that name site routes or files and so can never be a post slug.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "en", "ar", "admin", "api", "assets", "static", "media", "feed", "rss", "rss.xml", "atom", "atom.xml",
        "sitemap", "sitemap.xml", "robots.txt", "favicon.ico", "healthz", "reports", "news", "designs", "tag",
        "tags", "author", "authors", "subscribe", "confirm", "unsubscribe", "preferences", "newsletter", "search",
        "page", "login", "logout", "account", "archive",
    };

    public static string FromTitle(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var text = title.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        var pendingHyphen = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                // Arabic diacritics (tashkeel) are dropped so that a vowelled and an unvowelled title agree.
                if (category == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                if (pendingHyphen && slug.Length > 0)
                {
                    slug.Append('-');
                }

                pendingHyphen = false;
                slug.Append(rune.ToString());
            }
            else
            {
                pendingHyphen = true;
            }

            if (slug.Length >= MaxLength)
            {
                break;
            }
        }

        var result = slug.ToString();
        if (result.Length > MaxLength)
        {
            result = result[..MaxLength];
        }

        return result.Trim('-');
    }

    /// <summary>Whether a slug typed by hand is acceptable as it stands.</summary>
    public static string? Problem(string slug)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (slug.Length == 0)
        {
            return "The slug is empty: give the post a title with at least one letter or digit.";
        }

        if (slug.Length > MaxLength)
        {
            return $"The slug is longer than {MaxLength} characters.";
        }

        if (Reserved.Contains(slug))
        {
            return $"\"{slug}\" is a reserved word on this site and cannot be a slug.";
        }

        if (FromTitle(slug) != slug)
        {
            return "A slug may hold only lower-case letters, digits and single hyphens between them.";
        }

        return null;
    }

    /// <summary>A cheap check used before any database lookup of a slug from a URL.</summary>
    public static bool LooksValid(string slug) =>
        slug.Length is > 0 and <= MaxLength && !slug.Contains("..", StringComparison.Ordinal) &&
        slug.AsSpan().IndexOfAny(UrlUnsafe) < 0;

    private static readonly System.Buffers.SearchValues<char> UrlUnsafe = System.Buffers.SearchValues.Create("/\\\0%?#");
}
