namespace Broadsheet.Cluster;

/// <summary>
/// The PostgreSQL notification channel the instances talk on, and its payload: <c>kind:instance</c>, e.g.
/// <c>content:3f9a0c1d2b4e5f60</c>. Only the kind and the sender travel, never what changed: every receiver drops
/// all it holds, which is cheap, and a message can never carry anything private.
/// </summary>
public static class ClusterChannel
{
    /// <summary>The channel name, as in <c>NOTIFY broadsheet_changes, 'content:…'</c>. Channels are per database.</summary>
    public const string Name = "broadsheet_changes";

    public static string Format(ClusterChange change, string instance) => change switch
    {
        ClusterChange.Settings => "settings",
        ClusterChange.Delivery => "delivery",
        _ => "content",
    } + ":" + instance;

    /// <summary>
    /// Reads a payload. A kind this version does not know (a newer instance during a rolling upgrade) reads as
    /// null: the receiver then refreshes everything, which is always safe.
    /// </summary>
    public static (ClusterChange? Change, string Instance) Parse(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? payload : payload[..colon];
        var instance = colon < 0 ? "" : payload[(colon + 1)..];
        ClusterChange? change = kind switch
        {
            "content" => ClusterChange.Content,
            "settings" => ClusterChange.Settings,
            "delivery" => ClusterChange.Delivery,
            _ => null,
        };
        return (change, instance);
    }
}
