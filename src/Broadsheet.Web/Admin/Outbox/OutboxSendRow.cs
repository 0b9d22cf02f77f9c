using Broadsheet.Delivery;

namespace Broadsheet.Web.Admin.Outbox;

/// <summary>One send in the outbox's SMTP view, with how many of its deliveries are in each state.</summary>
public sealed record OutboxSendRow(
    long Id, SendKind Kind, SendStatus Status, string Language, string Subject, int Recipients, DateTime CreatedAt,
    IReadOnlyDictionary<DeliveryState, int> Deliveries);
