namespace Broadsheet.Subscribers;

/// <summary>
/// An address that must not be mailed, kept as a keyed hash so that it survives erasure of the
/// subscriber without keeping the address. Only the person confirming again lifts it.
/// </summary>
public sealed class Suppression
{
    public long Id { get; set; }
    public byte[] AddressHash { get; set; } = [];
    public SuppressionReason Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}
