namespace Broadsheet.Delivery;

public enum SendStatus
{
    /// <summary>Delivery rows are being written, in chunks; resumable from <see cref="Send.MaterialisedUpTo"/>.</summary>
    Materialising,

    /// <summary>Every recipient has a row; workers are sending.</summary>
    Sending,

    /// <summary>Stopped with a reason (its transport took nothing for too long); an operator resumes it.</summary>
    Failed,

    /// <summary>No row is pending, claimed, deferred or unknown.</summary>
    Finished,
}
