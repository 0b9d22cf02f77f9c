namespace Broadsheet.Delivery;

/// <summary>What became of one received report.</summary>
public enum BounceHandling
{
    /// <summary>Matched to a delivery and acted on (or already acted on: reports are idempotent).</summary>
    Applied,

    /// <summary>An unsubscribe request by mail (the mailto link of List-Unsubscribe).</summary>
    Unsubscribed,

    /// <summary>Not a bounce or complaint (an auto-reply, a personal reply): nothing to do.</summary>
    Ignored,

    /// <summary>A bounce or complaint that names no delivery of ours, or a forged one.</summary>
    Unmatched,
}
