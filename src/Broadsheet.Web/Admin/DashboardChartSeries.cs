namespace Broadsheet.Web.Admin;

/// <summary>One series of a dashboard chart: its name (for the legend and the table), one number per week, and its style.</summary>
public sealed record DashboardChartSeries(string Name, IReadOnlyList<int> Values, string CssClass);
