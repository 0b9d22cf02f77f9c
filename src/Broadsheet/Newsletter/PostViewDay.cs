namespace Broadsheet.Newsletter;

/// <summary>
/// Readership: how many times a post's page was read on one (UTC) day. Counted on our side, without cookies and
/// without addresses: a number per post and day is all that is kept.
/// </summary>
public sealed class PostViewDay
{
    public int PostId { get; set; }

    /// <summary>The UTC day, at midnight.</summary>
    public DateTime Day { get; set; }

    public long Views { get; set; }
}
