namespace Broadsheet.Publishing;

/// <summary>One piece of content in one language. Its translation shares its <see cref="TranslationKey"/>.</summary>
public sealed class Post
{
    public int Id { get; set; }
    public PostKind Kind { get; set; }
    public string Language { get; set; } = Broadsheet.Language.English;
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Lede { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";

    /// <summary>The body rendered and sanitised when the post is saved, so a page view never renders Markdown.</summary>
    public string BodyHtml { get; set; } = "";

    public int WordCount { get; set; }
    public string? CoverImageUrl { get; set; }

    /// <summary>The uploaded cover image (with its responsive variants), when there is one; <see cref="CoverImageUrl"/> is its largest variant.</summary>
    public int? CoverMediaId { get; set; }

    public MediaItem? CoverMedia { get; set; }
    public string? CoverImageAlt { get; set; }
    public bool Featured { get; set; }

    /// <summary>Editorial priority: higher comes first where importance matters (home page, digest).</summary>
    public int Priority { get; set; }

    public PostStatus Status { get; set; }

    /// <summary>When the post went, or is to go, public (UTC).</summary>
    public DateTime? PublishAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Posts that are translations of each other share this key; at most one post per language has it.</summary>
    public Guid? TranslationKey { get; set; }

    /// <summary>The staff member who wrote it in the admin (null for imported or demo posts, or a removed account).</summary>
    public int? CreatedById { get; set; }

    public List<Tag> Tags { get; set; } = [];
    public List<Author> Authors { get; set; } = [];

    public bool IsPublic(DateTime nowUtc) => Status == PostStatus.Published && PublishAt <= nowUtc;
}
