namespace Broadsheet.Web.Site;

/// <summary>What a page tells browsers, search engines and link previews about itself.</summary>
public sealed record PageMeta
{
    public required string Language { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }

    /// <summary>Site path of this page (canonical), e.g. /en/reports.</summary>
    public required string Path { get; init; }

    /// <summary>Where the language switch leads: the translation, or the other language's equivalent page.</summary>
    public required string SwitchPath { get; init; }

    /// <summary>hreflang alternates (language → path), including this page.</summary>
    public IReadOnlyDictionary<string, string> Alternates { get; init; } = new Dictionary<string, string>();

    public string OpenGraphType { get; init; } = "website";
    public string? ImagePath { get; init; }
    public string? ImageAlt { get; init; }
    public string? JsonLd { get; init; }
    public bool NoIndex { get; init; }
}
