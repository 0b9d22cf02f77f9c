namespace Broadsheet.Delivery;

/// <summary>
/// A named lease one process holds at a time (on SQLite, the delivery dispatcher), taken and renewed by one
/// conditional UPDATE, and free again when its holder stops renewing it.
/// </summary>
public sealed class WorkerLease
{
    public string Name { get; set; } = "";
    public string? Owner { get; set; }
    public DateTime Until { get; set; }
}
