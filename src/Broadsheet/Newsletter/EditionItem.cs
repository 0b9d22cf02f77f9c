using Broadsheet.Publishing;

namespace Broadsheet.Newsletter;

/// <summary>A post in an edition, in its section (by kind) and place. A post is in at most one digest edition.</summary>
public sealed class EditionItem
{
    public long Id { get; set; }
    public long EditionId { get; set; }

    /// <summary>The edition's newsletter, copied here so the database can hold a post to one digest edition.</summary>
    public string Newsletter { get; set; } = Edition.Digest;

    public int PostId { get; set; }
    public PostKind Section { get; set; }

    /// <summary>Order within the edition, from 0: sections in the kinds' order of weight, then by rank.</summary>
    public int Position { get; set; }
}
