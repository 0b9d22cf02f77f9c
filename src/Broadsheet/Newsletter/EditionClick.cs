namespace Broadsheet.Newsletter;

/// <summary>Clicks on one post's link in one edition (counted only when click tracking is on; no reader is identified).</summary>
public sealed class EditionClick
{
    public long EditionId { get; set; }
    public int PostId { get; set; }
    public long Clicks { get; set; }
}
