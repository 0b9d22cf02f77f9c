using Ganss.Xss;
using Markdig;

namespace Broadsheet.Publishing;

/// <summary>Turns a post body written in Markdown into HTML that is safe to put in a page.</summary>
public sealed class MarkdownRenderer
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseFigures()
        .UseFootnotes()
        .UseAutoLinks()
        .UseListExtras()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string ToHtml(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var html = Markdown.ToHtml(markdown, _pipeline);
        return _sanitizer.Sanitize(html);
    }

    private static bool IsSitePath(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    public static int CountWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
            {
                count++;
            }

            inWord = letter || (inWord && c is '\'' or '’' or '-');
        }

        return count;
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        // The defaults already drop script, iframe, on* handlers and javascript: URLs; we narrow the
        // schemes further so a body can only link to the web or to mail.
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedTags.Remove("textarea");
        sanitizer.AllowedTags.Remove("select");
        // Readers' privacy: a page makes no request to a third party, so images and media must come
        // from this site (a path beginning with one slash). Links may point anywhere.
        sanitizer.FilterUrl += (_, e) =>
        {
            if (!string.Equals(e.Tag.TagName, "A", StringComparison.OrdinalIgnoreCase) && !IsSitePath(e.OriginalUrl))
            {
                e.SanitizedUrl = null;
            }
        };
        sanitizer.RemovingAttribute += (_, e) =>
        {
            if (string.Equals(e.Tag.TagName, "IMG", StringComparison.OrdinalIgnoreCase) && string.Equals(e.Attribute.Name, "src", StringComparison.OrdinalIgnoreCase))
            {
                e.Tag.Remove();
            }
        };
        return sanitizer;
    }
}
