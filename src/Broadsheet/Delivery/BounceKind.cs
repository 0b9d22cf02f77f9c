namespace Broadsheet.Delivery;

/// <summary>What a mail that came back to the bounce address says about the delivery it refers to.</summary>
public enum BounceKind
{
    /// <summary>Not about a delivery at all (a personal reply, a read receipt, a success notice, unreadable input).</summary>
    NotABounce,

    /// <summary>The receiving side gave up for good (RFC 3463 class 5): the address must not be mailed again.</summary>
    HardBounce,

    /// <summary>A temporary failure (class 4: mailbox full, greylisted, still retrying): worth counting, not suppressing.</summary>
    SoftBounce,

    /// <summary>The reader marked the mail as spam, reported back through a feedback loop (ARF).</summary>
    Complaint,

    /// <summary>An out-of-office or other automatic answer: the mail arrived, so nothing is wrong with the address.</summary>
    AutoReply,
}
