namespace Broadsheet.Web.Admin.Media;

/// <summary>The admin's routes for image uploads (mapped into the /admin group by <see cref="AdminRoutes"/>).</summary>
internal static class AdminMediaRoutes
{
    public static void MapAdminMedia(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
    }
}
