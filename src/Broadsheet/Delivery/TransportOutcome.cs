namespace Broadsheet.Delivery;

public enum TransportOutcome
{
    /// <summary>The server accepted the message (250 after DATA).</summary>
    Sent,

    /// <summary>A temporary failure (4xx, or no connection could be made): try again later.</summary>
    Deferred,

    /// <summary>A permanent failure for this recipient or message (5xx).</summary>
    Rejected,

    /// <summary>The message went out but the connection dropped before the server's reply: it may or may not have arrived.</summary>
    Unknown,
}
