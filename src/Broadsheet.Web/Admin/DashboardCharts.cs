namespace Broadsheet.Web.Admin;

/// <summary>
/// The dashboard's weekly figures: <see cref="Weeks"/> holds the first day of each week (Monday, in the publication's
/// time zone), oldest first, the last one being the current week; every series has one number per week, in that order.
/// </summary>
public sealed record DashboardCharts(
    IReadOnlyList<DateOnly> Weeks,
    IReadOnlyList<int> NewActive,
    IReadOnlyList<int> Confirmations,
    IReadOnlyList<int> Unsubscribes,
    IReadOnlyList<int> Published);
