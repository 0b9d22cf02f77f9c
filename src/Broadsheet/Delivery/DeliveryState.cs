namespace Broadsheet.Delivery;

/// <summary>
/// One recipient's progress. Written only after the server's reply (or a decision not to send), never at fetch time.
/// A <see cref="Claimed"/> row is held by a worker's lease; when the lease runs out (the worker died) the row is claimed
/// again, so a crash loses nobody and repeats at most what was in flight.
/// </summary>
public enum DeliveryState
{
    Pending,
    Claimed,
    Sent,

    /// <summary>A temporary failure (4xx): tried again after a growing delay, a bounded number of times.</summary>
    Deferred,

    /// <summary>A permanent failure (5xx), or too many temporary ones.</summary>
    Failed,

    /// <summary>The connection dropped after the message data and before the reply: tried once more with the same Message-ID.</summary>
    Unknown,

    /// <summary>Not sent because the recipient was no longer eligible at claim time (unsubscribed, suppressed, erased).</summary>
    Skipped,
}
