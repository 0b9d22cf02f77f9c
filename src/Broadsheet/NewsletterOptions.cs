namespace Broadsheet;

/// <summary>The <c>Broadsheet:Newsletter</c> section: when the twice-monthly digest goes out, and how.</summary>
public sealed class NewsletterOptions
{
    /// <summary>
    /// When editions go out, as a cron expression (minute hour day month weekday) in the publication's time zone.
    /// Default: the 1st and the 15th of every month at 09:00.
    /// </summary>
    public string Schedule { get; set; } = "0 9 1,15 * *";

    /// <summary>How long before its send time an edition is prepared for review.</summary>
    public TimeSpan PrepareAhead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>If the app was down at a send time, the edition still goes out this long afterwards; later, it waits for an editor.</summary>
    public TimeSpan Lateness { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How much each kind counts when ranking an edition's posts, after the editor's pin and priority (higher first);
    /// also the order of the sections. Default: reports above designs above news.
    /// </summary>
    public IDictionary<string, int> KindWeights { get; set; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["report"] = 3, ["design"] = 2, ["news"] = 1,
    };

    /// <summary>At most this many posts of a kind in one edition. Default: 3 reports, 3 designs, 5 news.</summary>
    public IDictionary<string, int> SectionCaps { get; set; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["report"] = 3, ["design"] = 3, ["news"] = 5,
    };

    /// <summary>
    /// Whether an edition waits for an editor's approval (the default) or sends itself at its time. Waiting is the
    /// default because a digest goes to every reader at once and cannot be taken back: a newsroom whose readers may be
    /// at risk wants a person to have looked at it. The console shows what is waiting and since when.
    /// </summary>
    public bool RequireApproval { get; set; } = true;

    /// <summary>When a period has nothing new, its edition is skipped (not sent).</summary>
    public bool SkipEmpty { get; set; } = true;

    /// <summary>
    /// How often counted page views (readership) are written to the database; they wait in memory meanwhile, so a
    /// read costs the page nothing. At least one second. What waits is also written when the app stops.
    /// </summary>
    public TimeSpan ReadershipFlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
