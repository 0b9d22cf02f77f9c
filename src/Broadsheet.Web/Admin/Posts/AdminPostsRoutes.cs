namespace Broadsheet.Web.Admin.Posts;

/// <summary>The admin's routes for posts and the editor (mapped into the /admin group by <see cref="AdminRoutes"/>).</summary>
internal static class AdminPostsRoutes
{
    public static void MapAdminPosts(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
    }
}
