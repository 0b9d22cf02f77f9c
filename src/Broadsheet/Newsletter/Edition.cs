namespace Broadsheet.Newsletter;

/// <summary>
/// One issue of a newsletter in one language for one period (e.g. the digest, Arabic, <c>2026-12-A</c>). Unique per
/// newsletter, language and period key, so however many times the scheduler runs, on however many instances, a
/// period gets one edition.
/// </summary>
public sealed class Edition
{
    public const string Digest = "digest";

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
}
