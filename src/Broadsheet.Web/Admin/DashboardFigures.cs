namespace Broadsheet.Web.Admin;

/// <summary>The dashboard's counts.</summary>
public sealed record DashboardFigures(int PublishedPosts, int Drafts, int ActiveSubscribers, int PendingSubscribers);
