using System.Globalization;
using Broadsheet.Publishing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Site;

/// <summary>The public site's route table.</summary>
internal static class SiteRoutes
{
    public static void MapSite(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", GetOrHead, RedirectToLanguage);
        app.MapMethods("/robots.txt", GetOrHead, Robots);
        app.MapMethods("/sitemap.xml", GetOrHead, Sitemap).CacheOutput(SiteCache.Policy);

        app.MapNewsletterArchive();
        var site = app.MapGroup("/{lang:lang}").CacheOutput(SiteCache.Policy);
        site.MapMethods("/", GetOrHead, Home);
        site.MapMethods("/reports", GetOrHead, (string lang, string? page, SiteQueries q, IOptions<BroadsheetOptions> o, CancellationToken ct) => Kind(lang, PostKind.Report, page, q, o.Value, ct));
        site.MapMethods("/news", GetOrHead, (string lang, string? page, SiteQueries q, IOptions<BroadsheetOptions> o, CancellationToken ct) => Kind(lang, PostKind.News, page, q, o.Value, ct));
        site.MapMethods("/designs", GetOrHead, (string lang, string? page, SiteQueries q, IOptions<BroadsheetOptions> o, CancellationToken ct) => Kind(lang, PostKind.Design, page, q, o.Value, ct));
        site.MapMethods("/tag/{tag}", GetOrHead, TagPage);
        site.MapMethods("/author/{author}", GetOrHead, AuthorPage);
        site.MapMethods("/rss.xml", GetOrHead, Rss);
        site.MapMethods("/atom.xml", GetOrHead, Atom);
        site.MapMethods("/{slug}", GetOrHead, Article).WithMetadata(ReadershipCounting.Counted);

        app.MapFallback(NotFound);
    }

    /// <summary>A public page answers HEAD as well as GET (Kestrel sends the headers without the body).</summary>
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    private static RedirectHttpResult RedirectToLanguage(HttpContext context, IOptions<BroadsheetOptions> options)
    {
        context.Response.Headers.Vary = "Accept-Language";
        return TypedResults.Redirect($"/{PreferredLanguage(context, options.Value)}/");
    }

    private static async Task<IResult> Home(string lang, SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        if (!Enabled(lang, options.Value))
        {
            return NotFoundPage(Language.IsSupported(lang) ? lang : options.Value.DefaultLanguage, options.Value);
        }

        var model = await queries.HomeAsync(lang, ct);
        var meta = new PageMeta
        {
            Language = lang,
            Title = SiteText.For(lang).Home,
            Description = SiteText.For(lang).NewsletterBody,
            Path = $"/{lang}/",
            SwitchPath = $"/{Language.Other(lang)}/",
            Alternates = options.Value.EffectiveLanguages.ToDictionary(l => l, l => $"/{l}/"),
        };
        return Page<HomePage>(new() { ["Meta"] = meta, ["Options"] = options.Value, ["Model"] = model });
    }

    private static async Task<IResult> Kind(string lang, PostKind kind, string? page, SiteQueries queries, BroadsheetOptions options, CancellationToken ct)
    {
        if (!Enabled(lang, options) || ParsePage(page) is not { } number)
        {
            return NotFoundPage(lang, options);
        }

        var model = await queries.ByKindAsync(lang, kind, number, ct);
        var segment = SiteFormat.KindSegment(kind);
        return List(lang, $"/{lang}/{segment}", $"/{Language.Other(lang)}/{segment}", SiteText.For(lang).KindPlural(kind), null, model, options);
    }

    private static async Task<IResult> TagPage(string lang, string tag, string? page, SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        if (!Enabled(lang, options.Value) || !SlugGenerator.LooksValid(tag) || ParsePage(page) is not { } number ||
            await queries.TagAsync(lang, tag, ct) is not { } found)
        {
            return NotFoundPage(lang, options.Value);
        }

        var model = await queries.ByTagAsync(lang, found.Slug, number, ct);
        var heading = string.Format(CultureInfo.InvariantCulture, SiteText.For(lang).TagHeading, found.Name);
        return List(lang, SiteFormat.TagPath(lang, found.Slug), $"/{Language.Other(lang)}/", heading, null, model, options.Value);
    }

    private static async Task<IResult> AuthorPage(string lang, string author, string? page, SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        if (!Enabled(lang, options.Value) || !SlugGenerator.LooksValid(author) || ParsePage(page) is not { } number ||
            await queries.AuthorAsync(author, ct) is not { } found)
        {
            return NotFoundPage(lang, options.Value);
        }

        var model = await queries.ByAuthorAsync(lang, found.Slug, number, ct);
        return List(lang, SiteFormat.AuthorPath(lang, found.Slug), SiteFormat.AuthorPath(Language.Other(lang), found.Slug),
            found.NameIn(lang), found.BioIn(lang), model, options.Value);
    }

    private static async Task<IResult> Article(string lang, string slug, SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        if (!Enabled(lang, options.Value) || !SlugGenerator.LooksValid(slug) || await queries.ArticleAsync(lang, slug, ct) is not { } post)
        {
            return NotFoundPage(lang, options.Value);
        }

        var translation = await queries.TranslationAsync(post, ct);
        var path = SiteFormat.ArticlePath(lang, post.Slug);
        var alternates = new Dictionary<string, string> { [lang] = path };
        if (translation is not null)
        {
            alternates[translation.Language] = SiteFormat.ArticlePath(translation.Language, translation.Slug);
        }

        var meta = new PageMeta
        {
            Language = lang,
            Title = post.Title,
            Description = post.Lede,
            Path = path,
            SwitchPath = translation is null ? $"/{Language.Other(lang)}/" : alternates[translation.Language],
            Alternates = alternates.Count > 1 ? alternates : new Dictionary<string, string>(),
            OpenGraphType = "article",
            ImagePath = post.CoverImageUrl,
            ImageAlt = post.CoverImageAlt,
            JsonLd = ArticleJsonLd.For(post, options.Value),
        };
        return Page<ArticlePage>(new() { ["Meta"] = meta, ["Options"] = options.Value, ["Post"] = post, ["Translation"] = translation });
    }

    private static async Task<IResult> Rss(string lang, SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct) =>
        !Enabled(lang, options.Value)
            ? NotFoundPage(lang, options.Value)
            : Results.Bytes(SiteFeeds.Rss(SiteFeeds.Feed(lang, await queries.LatestAsync(lang, SiteFeeds.FeedSize, ct), options.Value)), "application/rss+xml; charset=utf-8");

    private static async Task<IResult> Atom(string lang, SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct) =>
        !Enabled(lang, options.Value)
            ? NotFoundPage(lang, options.Value)
            : Results.Bytes(SiteFeeds.Atom(SiteFeeds.Feed(lang, await queries.LatestAsync(lang, SiteFeeds.FeedSize, ct), options.Value)), "application/atom+xml; charset=utf-8");

    private static async Task<IResult> Sitemap(SiteQueries queries, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var entries = await queries.SitemapAsync(ct);
        var enabled = options.Value.EffectiveLanguages;
        return Results.Bytes(SiteFeeds.Sitemap(entries.Where(e => enabled.Contains(e.Language)).ToList(), options.Value), "application/xml; charset=utf-8");
    }

    private static string Robots(IOptions<BroadsheetOptions> options) =>
        $"User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /confirm/\nDisallow: /unsubscribe/\nDisallow: /preferences/\nDisallow: /newsletter/\nSitemap: {SiteFormat.Absolute(options.Value.SiteUrl, "/sitemap.xml")}\n";

    private static IResult NotFound(HttpContext context, IOptions<BroadsheetOptions> options) =>
        NotFoundPage(LanguageOfRequest(context, options.Value), options.Value);

    internal static IResult NotFoundPage(string lang, BroadsheetOptions options, bool isError = false)
    {
        var language = Language.IsSupported(lang) ? lang : options.DefaultLanguage;
        var text = SiteText.For(language);
        var meta = new PageMeta
        {
            Language = language,
            Title = isError ? text.ErrorTitle : text.NotFoundTitle,
            Path = $"/{language}/",
            SwitchPath = $"/{Language.Other(language)}/",
            NoIndex = true,
        };
        return new RazorComponentResult<NotFoundPage>(new Dictionary<string, object?>
        {
            ["Meta"] = meta, ["Options"] = options, ["IsError"] = isError,
        })
        {
            StatusCode = isError ? StatusCodes.Status500InternalServerError : StatusCodes.Status404NotFound,
        };
    }

    /// <summary>The language of the page being asked for, else the reader's preference.</summary>
    internal static string LanguageOfRequest(HttpContext context, BroadsheetOptions options)
    {
        var path = context.Request.Path.Value ?? "";
        var first = path.TrimStart('/').Split('/', 2)[0];
        return Language.IsSupported(first) && options.EffectiveLanguages.Contains(first) ? first : PreferredLanguage(context, options);
    }

    private static string PreferredLanguage(HttpContext context, BroadsheetOptions options)
    {
        var enabled = options.EffectiveLanguages;
        var accepted = context.Request.GetTypedHeaders().AcceptLanguage
            .Where(v => v.Quality is null or > 0)
            .OrderByDescending(v => v.Quality ?? 1);
        foreach (var value in accepted)
        {
            var primary = value.Value.Value?.Split('-', 2)[0].ToLowerInvariant();
            if (primary is not null && enabled.Contains(primary))
            {
                return primary;
            }
        }

        return options.DefaultLanguage;
    }

    private static IResult List(string lang, string path, string switchPath, string heading, string? intro, PostPage model, BroadsheetOptions options)
    {
        if (model.Page > model.PageCount)
        {
            return NotFoundPage(lang, options);
        }

        var meta = new PageMeta
        {
            Language = lang,
            Title = heading,
            Path = path,
            SwitchPath = switchPath,
        };
        return Page<ListPage>(new() { ["Meta"] = meta, ["Options"] = options, ["Model"] = model, ["Heading"] = heading, ["Intro"] = intro });
    }

    private static RazorComponentResult<T> Page<T>(Dictionary<string, object?> parameters)
        where T : Microsoft.AspNetCore.Components.IComponent => new(parameters);

    private static bool Enabled(string lang, BroadsheetOptions options) => options.EffectiveLanguages.Contains(lang);

    /// <summary>A missing or unreadable page number means the first page; an absurd one is not a page.</summary>
    private static int? ParsePage(string? page)
    {
        if (string.IsNullOrEmpty(page))
        {
            return 1;
        }

        return int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000 ? n : null;
    }
}
