using Broadsheet.Subscribers;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>
/// The answer to a search by exact address: the subscriber found (or null), and, when none is, whether the address is
/// on the suppression list (an erased reader leaves only that behind).
/// </summary>
public sealed record SubscriberSearch(SubscriberRow? Found, Suppression? Suppression);
