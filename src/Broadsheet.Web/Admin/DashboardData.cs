namespace Broadsheet.Web.Admin;

/// <summary>Everything the dashboard shows: the counts at a glance and the weekly charts.</summary>
public sealed record DashboardData(DashboardFigures Figures, DashboardCharts Charts);
