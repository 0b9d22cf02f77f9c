using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>The last line of defence: an unexpected failure shows a friendly page in the reader's language, never a stack trace.</summary>
internal static class ErrorPages
{
    public static async Task HandleExceptionAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<BroadsheetOptions>>().Value;
        var result = SiteRoutes.NotFoundPage(SiteRoutes.LanguageOfRequest(context, options), options, isError: true);
        await result.ExecuteAsync(context);
    }
}
