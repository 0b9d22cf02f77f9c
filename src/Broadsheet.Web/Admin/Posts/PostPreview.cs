using Broadsheet.Publishing;
using Broadsheet.Web.Site;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>
/// A post's page exactly as the site renders it (the public <see cref="ArticlePage"/>, not a copy of it), with the
/// preview banner put first in its body. Rendered to a string because the site's layout owns the whole document.
/// </summary>
internal static class PostPreview
{
    public static async Task<string> RenderAsync(HttpContext context, Post post, Post? translation, BroadsheetOptions options, PostsText text, bool canEdit)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(post);
        var path = SiteFormat.ArticlePath(post.Language, post.Slug);
        var meta = new PageMeta
        {
            Language = post.Language,
            Title = post.Title,
            Description = post.Lede,
            Path = path,
            SwitchPath = translation is null ? $"/{Language.Other(post.Language)}/" : SiteFormat.ArticlePath(translation.Language, translation.Slug),
            OpenGraphType = "article",
            ImagePath = post.CoverImageUrl,
            ImageAlt = post.CoverImageAlt,
            NoIndex = true,
        };

        var services = context.RequestServices;
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var (page, banner) = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var article = await renderer.RenderComponentAsync<ArticlePage>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                ["Meta"] = meta, ["Options"] = options, ["Post"] = post, ["Translation"] = translation,
            }));
            var notice = await renderer.RenderComponentAsync<PostPreviewBanner>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                ["Text"] = text, ["Status"] = text.StatusName(post.Status), ["EditPath"] = canEdit ? $"/admin/posts/{post.Id}" : null,
            }));
            return (article.ToHtmlString(), notice.ToHtmlString());
        });

        var body = page.IndexOf("<body>", StringComparison.Ordinal);
        return body < 0 ? banner + page : page.Insert(body + "<body>".Length, banner);
    }
}
