using Broadsheet.Subscribers;

namespace Broadsheet.Delivery;

/// <summary>One claimed delivery with what a sender needs to act on it.</summary>
/// <param name="Subscriber">Null when the subscriber was erased after the claim.</param>
/// <param name="Suppressed">The address is on the suppression list.</param>
internal sealed record DeliveryWork(ClaimedDelivery Claim, Send Send, Subscriber? Subscriber, bool Suppressed);
