namespace Broadsheet.Subscribers;

/// <summary>What a subscriber agreed to (or withdrew), when, from which form, in which language. Never the IP in clear.</summary>
public sealed class ConsentRecord
{
    public long Id { get; set; }
    public long SubscriberId { get; set; }
    public DateTime At { get; set; }
    public ConsentAction Action { get; set; }

    /// <summary>Where it happened, e.g. <c>article:/ar/slug</c>, <c>subscribe-page</c>, <c>one-click</c>, <c>cli-import</c>.</summary>
    public string Source { get; set; } = "";

    public string Language { get; set; } = "";

    /// <summary>A keyed, truncated hash of the client address: enough to spot abuse, useless to identify anyone.</summary>
    public byte[]? IpHash { get; set; }
}
