namespace Broadsheet.Web.Admin.Outbox;

/// <summary>The admin's routes for the outbox viewer (mapped into the /admin group by <see cref="AdminRoutes"/>).</summary>
internal static class AdminOutboxRoutes
{
    public static void MapAdminOutbox(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
    }
}
