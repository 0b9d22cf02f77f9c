namespace Broadsheet.Delivery;

/// <summary>What to write for one delivery once the server has answered (or it was decided not to send).</summary>
/// <param name="Attempted">The message reached a server (counts towards the attempts limit).</param>
public sealed record DeliveryOutcome(long DeliveryId, DeliveryState State, DateTime? NextAttemptAt, string? LastResult, bool Attempted, bool RetriedUnknown)
{
    /// <summary>Set when the server said the mailbox does not exist (5.1.x): this subscriber is marked bounced…</summary>
    public long? BounceSubscriberId { get; init; }

    /// <summary>…and this suppression hash of the address is added, in the same transaction as the outcome.</summary>
    public byte[]? BounceAddressHash { get; init; }
}
