using Broadsheet.Publishing.Media;
using Microsoft.Net.Http.Headers;

namespace Broadsheet.Web.Site;

/// <summary>
/// Serves uploaded images' variants from the data folder. Only a name this app could have written is looked up (a
/// random key, a width, jpg/png/webp), so no request can reach another file; the files never change under a name, so
/// browsers and proxies may keep them for a year.
/// </summary>
internal static class MediaRoutes
{
    public static void MapMedia(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapMethods("/media/{file}", [HttpMethods.Get, HttpMethods.Head], Serve);
    }

    private static IResult Serve(HttpContext context, string file, MediaLibrary library)
    {
        if (library.PathOf(file) is not { } path || !File.Exists(path))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "public, max-age=31536000, immutable";
        headers.XContentTypeOptions = "nosniff";
        var contentType = Path.GetExtension(path) switch
        {
            ".png" => "image/png",
            ".webp" => "image/webp",
            _ => "image/jpeg",
        };
        // The name is the content's identity: a new upload always gets a new key.
        return TypedResults.PhysicalFile(path, contentType, lastModified: File.GetLastWriteTimeUtc(path), entityTag: new EntityTagHeaderValue($"\"{file}\""));
    }
}
