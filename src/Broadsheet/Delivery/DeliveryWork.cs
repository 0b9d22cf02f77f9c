using Broadsheet.Subscribers;

namespace Broadsheet.Delivery;

/// <summary>One claimed delivery with what a sender needs to act on it.</summary>
/// <param name="Subscriber">Null when the subscriber was erased after the claim.</param>
/// <param name="Address">The subscriber's address, decrypted once at claim time for the suppression check and the message.</param>
/// <param name="SuppressionHash">The keyed hash the suppression list holds for that address.</param>
/// <param name="Suppressed">The address is on the suppression list.</param>
internal sealed record DeliveryWork(ClaimedDelivery Claim, Send Send, Subscriber? Subscriber, string? Address, byte[]? SuppressionHash, bool Suppressed);
