namespace Broadsheet.Newsletter;

/// <summary>
/// One issue of a newsletter in one language for one period (e.g. the digest, Arabic, <c>2026-12-A</c>). Unique per
/// newsletter, language and period key, so however many times the scheduler runs, on however many instances, a
/// period gets one edition.
/// </summary>
public sealed class Edition
{
    public const string Digest = "digest";

    /// <summary>The newsletter of one-off editions (breaking news) an editor builds from chosen posts.</summary>
    public const string Special = "special";

    public const int MaxIntroLength = 2000;

    public long Id { get; set; }

    /// <summary><see cref="Digest"/> for the twice-monthly digest.</summary>
    public string Newsletter { get; set; } = Digest;

    public string Language { get; set; } = Broadsheet.Language.English;

    /// <summary><c>yyyy-MM-A</c>, <c>yyyy-MM-B</c> … from the send time's local date (<see cref="DigestSchedule.PeriodKey"/>).</summary>
    public string PeriodKey { get; set; } = "";

    public EditionStatus Status { get; set; }

    /// <summary>When it is due to go out (UTC).</summary>
    public DateTime ScheduledFor { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The editor's subject line; null: the renderer's default (publication name and date).</summary>
    public string? Subject { get; set; }

    /// <summary>The editor's opening words, plain text (paragraphs split on blank lines); null: none.</summary>
    public string? Intro { get; set; }

    /// <summary>When the posts were chosen (by the selector); null: not yet.</summary>
    public DateTime? PreparedAt { get; set; }

    /// <summary>When an editor last changed the items, the intro or the subject: from then on the selector leaves it alone.</summary>
    public DateTime? CuratedAt { get; set; }

    public DateTime? ApprovedAt { get; set; }

    /// <summary>Who approved (or held) it last; null for the scheduler or a removed account.</summary>
    public int? ReviewedById { get; set; }

    /// <summary>The delivery engine's send carrying it, once handed over.</summary>
    public long? SendId { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>Readers who opened it (only counted when open tracking is on; no reader is identified).</summary>
    public long Opens { get; set; }
}
