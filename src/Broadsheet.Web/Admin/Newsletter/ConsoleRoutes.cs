using Broadsheet.Delivery;
using Broadsheet.Newsletter;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// The newsletter console (mapped into the /admin group by <see cref="AdminRoutes"/>), for editors and above: each
/// language's next digest edition, what is sending, the past editions, and the special edition's form. An edition's
/// own page and its actions are in <see cref="EditionRoutes"/>; every change goes through <see cref="EditionService"/>.
/// </summary>
internal static class ConsoleRoutes
{
    public const string Path = "/admin/newsletter";

    public static void MapAdminNewsletterConsole(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var newsletter = admin.MapGroup("/newsletter").RequireAuthorization(AdminAuth.NewslettersPolicy);
        newsletter.MapGet("/", Overview);
        newsletter.MapGet("/special", SpecialForm);
        newsletter.MapPost("/special", CreateSpecial);
        EditionRoutes.Map(newsletter);
    }

    /// <summary>The console's reads, made for one request.</summary>
    public static ConsoleQueries Queries(HttpContext context) => ActivatorUtilities.CreateInstance<ConsoleQueries>(context.RequestServices);

    /// <summary>Whether the library refuses <paramref name="subject"/> (so an invalid-text refusal is about it, not the intro).</summary>
    public static bool SubjectRefused(string? subject) =>
        !string.IsNullOrWhiteSpace(subject) && subject.Trim() is var trimmed && (trimmed.Length > SendService.MaxSubjectLength || trimmed.Any(char.IsControl));

    private static async Task<IResult> Overview(HttpContext context, string? page, CancellationToken ct)
    {
        var overview = await Queries(context).OverviewAsync(page, ct);
        return AdminPage.Render<ConsolePage>(context, ConsoleText.For(context.Member().Language).Title, new() { ["Overview"] = overview });
    }

    private static Task<IResult> SpecialForm(HttpContext context, string? lang, CancellationToken ct) =>
        SpecialPageAsync(context, lang, new SpecialChoice([], null, null, null), error: null, StatusCodes.Status200OK, ct);

    /// <summary>A special edition per language of the segment, through the library; the first one's page is where it is reviewed.</summary>
    private static async Task<IResult> CreateSpecial(HttpContext context, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var me = context.Member();
        var text = ConsoleText.For(me.Language);
        var queries = Queries(context);
        var filter = form["filter"].ToString();
        var subject = form["subject"].ToString();
        var intro = form["intro"].ToString();
        var segment = form["segment"].ToString();
        var ids = new List<int>();
        var unreadable = false;
        foreach (var value in form["post"])
        {
            if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
            else
            {
                unreadable = true;
            }
        }

        var choice = new SpecialChoice(ids, segment, subject, intro);
        IReadOnlyList<string> languages = segment switch
        {
            "both" => queries.Options.EffectiveLanguages,
            _ when queries.Options.EffectiveLanguages.Contains(segment) => [segment],
            _ => [],
        };
        var refusal = languages.Count == 0 ? text.ProblemNoSegment
            : unreadable ? text.ProblemNotPublished
            : ids.Count == 0 ? text.ProblemNoPosts
            : ids.Count > ConsoleQueries.RecentPosts ? text.Format(text.ProblemTooManyPosts, ConsoleQueries.RecentPosts)
            : null;
        if (refusal is not null)
        {
            return await SpecialPageAsync(context, filter, choice, refusal, StatusCodes.Status400BadRequest, ct);
        }

        try
        {
            var made = await editions.CreateSpecialAsync(languages, ids, subject, intro, me.Id, ct);
            return AdminPage.Done($"{Path}/{made[0].Id}", "special");
        }
        catch (EditionException e)
        {
            return await SpecialPageAsync(context, filter, choice, text.SpecialProblem(e.Problem, SubjectRefused(subject)), StatusCodes.Status400BadRequest, ct);
        }
    }

    private static async Task<IResult> SpecialPageAsync(HttpContext context, string? filter, SpecialChoice choice, string? error, int status, CancellationToken ct)
    {
        var queries = Queries(context);
        var language = Broadsheet.Language.IsSupported(filter) ? filter : null;
        return AdminPage.Render<SpecialPage>(context, ConsoleText.For(context.Member().Language).SpecialTitle, new()
        {
            ["Posts"] = await queries.RecentPostsAsync(language, ct),
            ["Filter"] = language,
            ["Languages"] = queries.Options.EffectiveLanguages,
            ["Choice"] = choice,
            ["Zone"] = queries.Zone,
        }, status, error);
    }
}
