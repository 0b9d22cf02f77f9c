using Broadsheet.Newsletter;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>
/// The newsletter's open pixel and click redirect, answered only while an administrator has tracking switched on
/// (404 otherwise). Their addresses carry the edition and the post, never the reader; nothing about the request (no
/// cookie, no IP) is kept, only a count. The redirect takes no address from the request: it goes to the public page
/// of a post that is an item of that edition, or nowhere, so it cannot be used to send anyone off the site.
/// </summary>
internal static class NewsletterTrackingRoutes
{
    // The smallest transparent GIF: 1×1, one colour, fully transparent.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static void MapNewsletterTracking(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Never output-cached: each request is one count.
        app.MapGet("/newsletter/o/{editionId:long}.gif", Open).CacheOutput(p => p.NoCache());
        app.MapGet("/newsletter/c/{editionId:long}/{postId:int}", Click).CacheOutput(p => p.NoCache());

        // Anything else under these paths (a mangled or forged link, even one that looks like a file) gets the short
        // "not found" page, not the bare 404 an unmatched file-like path would.
        app.MapGet("/newsletter/o/{**rest}", (HttpContext context, IOptions<BroadsheetOptions> options) => NotFound(context, options.Value));
        app.MapGet("/newsletter/c/{**rest}", (HttpContext context, IOptions<BroadsheetOptions> options) => NotFound(context, options.Value));
    }

    private static async Task<IResult> Open(HttpContext context, long editionId, NewsletterTracking tracking, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        if (!tracking.OpensEnabled || context.Request.QueryString.HasValue)
        {
            return NotFound(context, options.Value);
        }

        // An unknown edition, or one that has not gone out (a preview, a test mail), gets the same pixel and no count.
        await tracking.CountOpenAsync(editionId, ct);
        NoStore(context);
        return Results.Bytes(Pixel, "image/gif");
    }

    private static async Task<IResult> Click(HttpContext context, long editionId, int postId, NewsletterTracking tracking, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        // There is no parameter to take: anything in the query (a "url=", a "next=") is a forged link.
        if (!tracking.ClicksEnabled || context.Request.QueryString.HasValue || await tracking.ClickAsync(editionId, postId, ct) is not { } target)
        {
            return NotFound(context, options.Value);
        }

        NoStore(context);
        return Results.Redirect(target);
    }

    private static IResult NotFound(HttpContext context, BroadsheetOptions options)
    {
        NoStore(context);
        return SiteRoutes.NotFoundPage(SiteRoutes.LanguageOfRequest(context, options), options);
    }

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
    }
}
