using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>What the editor page shows: the form as typed, the saved post behind it, and the choices it offers.</summary>
public sealed record PostEditorModel
{
    /// <summary>The saved post (tags and bylines loaded); null while writing a new one.</summary>
    public Post? Post { get; init; }

    public required PostForm Form { get; init; }
    public required IReadOnlyList<Author> Authors { get; init; }

    /// <summary>Recent uploads to choose a cover from (the chosen one always among them).</summary>
    public required IReadOnlyList<MediaItem> Media { get; init; }

    public required IReadOnlyList<TranslationChoice> Translations { get; init; }

    /// <summary>Whether the signed-in member may publish, schedule and unpublish this post.</summary>
    public bool CanPublish { get; init; }

    public bool CanDelete { get; init; }

    /// <summary>The publication's IANA time zone, in which publish times are typed and shown.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The saved or typed post's publish time as shown in the time zone, or null.</summary>
    public string? PublishTimeText { get; init; }

    /// <summary>The body as the site renders it (sanitised), for the preview before any script runs.</summary>
    public required string PreviewHtml { get; init; }

    /// <summary>The post's public address while it is public; null otherwise.</summary>
    public string? PublicPath { get; init; }

    /// <summary>Drafts save themselves; never a scheduled or published post, whose edits wait for an explicit save.</summary>
    public bool Autosaves => Post is { Status: PostStatus.Draft };
}
