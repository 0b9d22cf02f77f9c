using Broadsheet.Delivery;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>One message a subscriber was sent (or is due), with the send it belongs to.</summary>
public sealed record SubscriberDelivery(
    long SendId, SendKind Kind, string Subject, string Language, DateTime CreatedAt, DeliveryState State, int Attempts, DateTime? SentAt, string? LastResult);
