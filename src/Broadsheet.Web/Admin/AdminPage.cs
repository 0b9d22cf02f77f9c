using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Broadsheet.Web.Admin;

/// <summary>
/// Renders admin pages: never cached, never indexed, never framed, always with a fresh form token; and the shared
/// refusals (forbidden, not found, a form without its token).
/// </summary>
internal static class AdminPage
{
    public const string AntiforgeryField = "__bs_token";

    /// <summary>Renders <typeparamref name="T"/> (which takes a <c>View</c> parameter and its own) with the admin's headers.</summary>
    public static RazorComponentResult<T> Render<T>(HttpContext context, string title, Dictionary<string, object?>? parameters = null,
        int status = StatusCodes.Status200OK, string? error = null, string? notice = null, string? language = null)
        where T : IComponent
    {
        ArgumentNullException.ThrowIfNull(context);
        NoStore(context);
        var member = context.MemberOrNull();
        var view = new AdminView
        {
            Member = member,
            Language = member?.Language ?? language ?? LanguageOf(context),
            Title = title,
            Antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken ?? "",
            Path = context.Request.Path.Value ?? "/admin",
            Notice = notice,
            Error = error,
        };
        var all = new Dictionary<string, object?>(parameters ?? []) { ["View"] = view };
        return new RazorComponentResult<T>(all) { StatusCode = status };
    }

    /// <summary>The admin's language before anyone has signed in: <c>?lang=</c>, then the browser's preference.</summary>
    public static string LanguageOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.MemberOrNull() is { } member)
        {
            return member.Language;
        }

        var asked = context.Request.Query["lang"].ToString();
        if (Broadsheet.Language.IsSupported(asked))
        {
            return asked;
        }

        var accept = context.Request.Headers.AcceptLanguage.ToString();
        return accept.StartsWith("ar", StringComparison.OrdinalIgnoreCase) ? Broadsheet.Language.Arabic : Broadsheet.Language.English;
    }

    /// <summary>Private pages: no cache may keep them, no search engine may list them, no other site may frame them.</summary>
    public static void NoStore(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers.XContentTypeOptions = "nosniff";
    }

    public static IResult Forbidden(HttpContext context)
    {
        var text = AdminText.For(LanguageOf(context));
        return Render<AdminMessagePage>(context, text.ForbiddenTitle, new() { ["Body"] = text.ForbiddenBody }, StatusCodes.Status403Forbidden);
    }

    public static Task ForbiddenAsync(HttpContext context) => Forbidden(context).ExecuteAsync(context);

    public static IResult NotFound(HttpContext context)
    {
        var text = AdminText.For(LanguageOf(context));
        return Render<AdminMessagePage>(context, text.NotFoundTitle, new() { ["Body"] = text.NotFoundBody }, StatusCodes.Status404NotFound);
    }

    public static IResult TooLarge(HttpContext context)
    {
        var text = AdminText.For(LanguageOf(context));
        return Render<AdminMessagePage>(context, text.TooLargeTitle, new() { ["Body"] = text.TooLargeBody }, StatusCodes.Status413PayloadTooLarge);
    }

    public static IResult FormExpired(HttpContext context)
    {
        var text = AdminText.For(LanguageOf(context));
        return Render<AdminMessagePage>(context, text.FormExpiredTitle, new() { ["Body"] = text.FormExpiredBody }, StatusCodes.Status400BadRequest);
    }

    /// <summary>Post-redirect-get: back to <paramref name="path"/> with a notice key its page turns into words.</summary>
    public static IResult Done(string path, string notice) =>
        TypedResults.Redirect(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "notice=" + Uri.EscapeDataString(notice));

    /// <summary>The form of a request, or an empty one (a POST without a form body is refused by the token check anyway).</summary>
    public static async Task<IFormCollection> FormAsync(HttpContext context) =>
        context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
}
