namespace Broadsheet.Web.Site;

/// <summary>Serves uploaded images' variants from the data folder.</summary>
internal static class MediaRoutes
{
    public static void MapMedia(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
    }
}
