using System.Globalization;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>
/// The editor's fields as typed. A refused form comes back exactly as it was sent; only <see cref="Problem"/> turns it
/// into a <see cref="PostInput"/> for <see cref="PostService"/>, which has the last word on every rule.
/// </summary>
public sealed record PostForm
{
    /// <summary>The cover choice that keeps a post's current image when it is not one of the uploads (e.g. demo content).</summary>
    public const string CurrentCover = "current";

    /// <summary>What a <c>datetime-local</c> input sends and shows: minutes, no zone (the publication's is implied).</summary>
    public const string LocalTimeFormat = "yyyy-MM-ddTHH:mm";

    private static readonly string[] LocalTimeFormats = [LocalTimeFormat, "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    public string Kind { get; init; } = "report";
    public string Language { get; init; } = Broadsheet.Language.English;
    public string Title { get; init; } = "";
    public string Slug { get; init; } = "";
    public string Lede { get; init; } = "";
    public string Body { get; init; } = "";

    /// <summary>Comma-separated (a Latin or an Arabic comma).</summary>
    public string Tags { get; init; } = "";

    /// <summary>Author slugs.</summary>
    public IReadOnlyList<string> Authors { get; init; } = [];

    public bool Featured { get; init; }
    public string Priority { get; init; } = "0";

    /// <summary>Empty for none, a <see cref="MediaItem"/> id, or <see cref="CurrentCover"/>.</summary>
    public string Cover { get; init; } = "";

    public string CoverAlt { get; init; } = "";

    /// <summary>Empty, or the id of the post in the other language.</summary>
    public string TranslationOf { get; init; } = "";

    /// <summary>Local time in the publication's time zone, <see cref="LocalTimeFormat"/>; empty for none.</summary>
    public string PublishAt { get; init; } = "";

    public static PostForm Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new PostForm
        {
            Kind = form["kind"].ToString(),
            Language = form["language"].ToString(),
            Title = form["title"].ToString(),
            Slug = form["slug"].ToString(),
            Lede = form["lede"].ToString(),
            Body = form["body"].ToString(),
            Tags = form["tags"].ToString(),
            Authors = form["authors"].Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!).ToList(),
            Featured = form["featured"].Any(v => v is "true" or "on"),
            Priority = form["priority"].ToString(),
            Cover = form["cover"].ToString(),
            CoverAlt = form["cover_alt"].ToString(),
            TranslationOf = form["translation_of"].ToString(),
            PublishAt = form["publish_at"].ToString(),
        };
    }

    /// <summary>A saved post's fields, its times shown in <paramref name="zone"/>.</summary>
    public static PostForm From(Post post, int? translationOf, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(post);
        return new PostForm
        {
            Kind = post.Kind.ToString().ToLowerInvariant(),
            Language = post.Language,
            Title = post.Title,
            Slug = post.Slug,
            Lede = post.Lede,
            Body = post.BodyMarkdown,
            Tags = string.Join(post.Language == Broadsheet.Language.Arabic ? "، " : ", ", post.Tags.Select(t => t.Name)),
            Authors = post.Authors.Select(a => a.Slug).ToList(),
            Featured = post.Featured,
            Priority = post.Priority.ToString(CultureInfo.InvariantCulture),
            Cover = post.CoverMediaId is { } media ? media.ToString(CultureInfo.InvariantCulture) : post.CoverImageUrl is null ? "" : CurrentCover,
            CoverAlt = post.CoverImageAlt ?? "",
            TranslationOf = translationOf?.ToString(CultureInfo.InvariantCulture) ?? "",
            PublishAt = post.PublishAt is { } at ? LocalTime(at, zone) : "",
        };
    }

    public static string LocalTime(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString(LocalTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>A local time typed in <paramref name="zone"/> as UTC; false when it is not a time that exists there.</summary>
    public static bool TryParseLocalTime(string text, TimeZoneInfo zone, out DateTime? utc)
    {
        ArgumentNullException.ThrowIfNull(zone);
        utc = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!DateTime.TryParseExact(text.Trim(), LocalTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) ||
            zone.IsInvalidTime(local))
        {
            return false; // Unreadable, or in the hour a clock skips when it goes forward.
        }

        utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
        return true;
    }

    /// <summary>A kind by its lower-case name, as forms and URLs write it; null for anything else.</summary>
    public static PostKind? ParseKind(string? name) => name switch
    {
        "report" => PostKind.Report,
        "news" => PostKind.News,
        "design" => PostKind.Design,
        _ => null,
    };

    /// <summary>The selected cover upload's id, when one is chosen.</summary>
    public int? CoverMediaId =>
        int.TryParse(Cover, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>The chosen translation's id, when one is chosen.</summary>
    public int? TranslationId =>
        int.TryParse(TranslationOf, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>
    /// Why the form cannot even be handed to the service (a field that does not parse), in <paramref name="text"/>'s
    /// language, or null with the post as a draft in <paramref name="input"/> and the publish time in UTC.
    /// </summary>
    /// <param name="existing">The saved post, whose current cover <see cref="CurrentCover"/> keeps; null for a new one.</param>
    public string? Problem(Post? existing, TimeZoneInfo zone, PostsText text, out PostInput input, out DateTime? publishAtUtc)
    {
        ArgumentNullException.ThrowIfNull(text);
        input = new PostInput { Kind = PostKind.Report, Language = Broadsheet.Language.English, Title = "" };
        publishAtUtc = null;
        if (ParseKind(Kind) is not { } kind)
        {
            return text.ErrorKind;
        }

        if (!Broadsheet.Language.IsSupported(Language))
        {
            return text.ErrorLanguage;
        }

        var priority = 0;
        if (!string.IsNullOrWhiteSpace(Priority) &&
            !int.TryParse(Priority.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
        {
            return text.ErrorPriority;
        }

        if (!TryParseLocalTime(PublishAt, zone, out publishAtUtc))
        {
            return text.ErrorPublishAt;
        }

        if (Body.Length > PostService.MaxBodyLength)
        {
            return text.ErrorBodyTooLong;
        }

        string? coverUrl = null;
        if (Cover == CurrentCover)
        {
            coverUrl = existing?.CoverImageUrl;
        }
        else if (Cover.Length > 0 && CoverMediaId is null)
        {
            return text.ErrorCover;
        }

        if (TranslationOf.Length > 0 && TranslationId is null)
        {
            return text.ErrorTranslation;
        }

        input = new PostInput
        {
            Kind = kind,
            Language = Language,
            Title = Title,
            Slug = string.IsNullOrWhiteSpace(Slug) ? null : Slug,
            Lede = Lede,
            BodyMarkdown = Body,
            Tags = Tags.Split([',', '،'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AuthorSlugs = Authors,
            Featured = Featured,
            Priority = priority,
            CoverImageUrl = coverUrl,
            CoverMediaId = CoverMediaId,
            CoverImageAlt = string.IsNullOrWhiteSpace(CoverAlt) ? null : CoverAlt,
            TranslationOf = TranslationId,
            Status = PostStatus.Draft,
            PublishAt = publishAtUtc,
        };
        return null;
    }
}
