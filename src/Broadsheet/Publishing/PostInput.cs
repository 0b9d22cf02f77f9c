namespace Broadsheet.Publishing;

/// <summary>What an editor, the API, the CLI or the importer asks to be saved as a post.</summary>
public sealed record PostInput
{
    public required PostKind Kind { get; init; }
    public required string Language { get; init; }
    public required string Title { get; init; }

    /// <summary>Leave empty to derive the slug from the title.</summary>
    public string? Slug { get; init; }

    public string Lede { get; init; } = "";
    public string BodyMarkdown { get; init; } = "";
    public string? CoverImageUrl { get; init; }

    /// <summary>An uploaded image (<see cref="MediaItem"/>) as the cover; when set it wins over <see cref="CoverImageUrl"/>.</summary>
    public int? CoverMediaId { get; init; }

    public string? CoverImageAlt { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyList<string> AuthorSlugs { get; init; } = [];
    public bool Featured { get; init; }
    public int Priority { get; init; }
    public PostStatus Status { get; init; } = PostStatus.Draft;

    /// <summary>For a scheduled post, when it goes public; for a published one, its publication time (default now).</summary>
    public DateTime? PublishAt { get; init; }

    /// <summary>The id of the post in the other language that this one translates.</summary>
    public int? TranslationOf { get; init; }

    /// <summary>The staff member who writes it in the admin; recorded when the post is created, ignored by updates.</summary>
    public int? CreatedById { get; init; }
}
