namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>The admin's routes for subscribers (mapped into the /admin group by <see cref="AdminRoutes"/>).</summary>
internal static class AdminSubscribersRoutes
{
    public static void MapAdminSubscribers(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
    }
}
