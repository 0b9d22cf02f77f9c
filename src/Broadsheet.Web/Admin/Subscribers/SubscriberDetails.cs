using Broadsheet.Subscribers;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>Everything held about one subscriber, decrypted for the editor: the row, the dates, the suppression, the history and the mail.</summary>
public sealed record SubscriberDetails(
    SubscriberRow Subscriber,
    DateTime UpdatedAt,
    DateTime? UnsubscribedAt,
    DateTime? LastConfirmationSentAt,
    bool ConfirmationLinkOutstanding,
    Suppression? Suppression,
    IReadOnlyList<ConsentRecord> Consents,
    IReadOnlyList<SubscriberDelivery> Deliveries);
