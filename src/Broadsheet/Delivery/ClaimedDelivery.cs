namespace Broadsheet.Delivery;

/// <summary>A row a worker holds the lease on, as the claim returned it.</summary>
public sealed record ClaimedDelivery(long Id, long SendId, long SubscriberId, int Attempts, bool RetriedUnknown);
