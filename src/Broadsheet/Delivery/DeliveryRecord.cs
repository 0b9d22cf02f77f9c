namespace Broadsheet.Delivery;

/// <summary>One recipient of one send: unique per (send, subscriber), so a send can never mail anyone twice by design.</summary>
public sealed class DeliveryRecord
{
    public long Id { get; set; }
    public long SendId { get; set; }
    public long SubscriberId { get; set; }
    public DeliveryState State { get; set; }

    /// <summary>Times the message was handed to a transport.</summary>
    public int Attempts { get; set; }

    /// <summary>When a pending, deferred or unknown row may be claimed.</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>The worker holding the claim, and until when.</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>The server's last answer, e.g. <c>550 5.1.1</c>, with its words (never an address).</summary>
    public string? LastResult { get; set; }

    /// <summary>Set once the message was retried after an unknown outcome, so it is not retried again.</summary>
    public bool RetriedUnknown { get; set; }
}
