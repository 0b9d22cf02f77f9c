namespace Broadsheet.Delivery;

/// <summary>A bounce or complaint matched to a delivery: the evidence behind a suppression, and what counts soft bounces.</summary>
public sealed class BounceEvent
{
    public long Id { get; set; }
    public long SubscriberId { get; set; }
    public long DeliveryId { get; set; }
    public BounceKind Kind { get; set; }

    /// <summary>The RFC 3463 status, e.g. <c>5.1.1</c>.</summary>
    public string? Status { get; set; }

    public DateTime At { get; set; }
}
