namespace Broadsheet;

/// <summary><c>Broadsheet:Mail:Delivery</c>: how the outbox workers claim and retry.</summary>
public sealed class DeliveryOptions
{
    /// <summary>
    /// The most deliveries one worker claims at a time. Large enough that claiming (a few statements) is rare next to
    /// sending; the next batch is claimed while this one is sent (bench/send: 100 left the senders idle a third of the
    /// time). Once a worker knows how fast it sends it claims about half a second of its own sending, up to this
    /// (<see cref="Delivery.ClaimPacer"/>), so no instance sits on a long tail at the end of a send.
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long a claim holds; a crashed worker's rows are taken over after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an idle worker looks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before a deferred delivery (4xx) is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry delay; doubled per attempt.</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A send whose transport has not taken one message for this long is marked failed, with the reason.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(45);
}
