using System.Globalization;
using System.Security.Cryptography;
using Broadsheet.Delivery;
using Broadsheet.Newsletter;
using Broadsheet.Web.Admin.Outbox;
using Microsoft.AspNetCore.DataProtection;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// One edition's page and what editors do to it (mapped by <see cref="ConsoleRoutes"/>): the preview, the order and
/// removal of its posts, its subject and intro, a fresh selection, a test, approve, hold, send now, and its progress as
/// JSON. Every form redirects back with a notice; a refusal shows the page again with the reason in the admin's language
/// and a 4xx status, and changes nothing (the library refuses before it writes). Anything that sends to readers, or
/// drops an editor's work, asks first on a page of its own, and its form says it was confirmed.
/// </summary>
internal static class EditionRoutes
{
    private const string Confirmed = "yes";

    // The server's reply to a test travels in the redirect sealed, so the page cannot be made to show made-up words.
    private const string ReplyPurpose = "Broadsheet.Admin.Newsletter.TestReply";
    private static readonly TimeSpan ReplyLifetime = TimeSpan.FromMinutes(10);

    public static void Map(RouteGroupBuilder newsletter)
    {
        newsletter.MapGet("/{id:long}", Show);
        newsletter.MapGet("/{id:long}/preview", Preview);
        newsletter.MapGet("/{id:long}/progress", Progress);
        newsletter.MapPost("/{id:long}/text", SaveText);
        newsletter.MapPost("/{id:long}/move", Move);
        newsletter.MapGet("/{id:long}/remove", RemoveConfirm);
        newsletter.MapPost("/{id:long}/remove", Remove);
        newsletter.MapGet("/{id:long}/refresh", RefreshConfirm);
        newsletter.MapPost("/{id:long}/refresh", Refresh);
        newsletter.MapPost("/{id:long}/test", SendTest);
        newsletter.MapGet("/{id:long}/approve", ApproveConfirm);
        newsletter.MapPost("/{id:long}/approve", Approve);
        newsletter.MapPost("/{id:long}/hold", Hold);
        newsletter.MapGet("/{id:long}/send", SendNowConfirm);
        newsletter.MapPost("/{id:long}/send", SendNow);
    }

    private static string PathOf(long id) => string.Create(CultureInfo.InvariantCulture, $"{ConsoleRoutes.Path}/{id}");

    private static ConsoleText Text(HttpContext context) => ConsoleText.For(context.Member().Language);

    private static Task<IResult> Show(HttpContext context, long id, string? notice, string? reply, CancellationToken ct) =>
        PageAsync(context, id, StatusCodes.Status200OK, error: null, Text(context).Notice(notice), OpenReply(context, id, reply), typed: null, ct);

    /// <summary>
    /// The edition's mail for the page's sandboxed frame (or its plain-text part with <c>?text=1</c>), with each reader's
    /// own links pointing at the signup page instead, so every link in the preview goes somewhere real.
    /// </summary>
    private static async Task<IResult> Preview(HttpContext context, long id, string? text, EditionService editions, DigestRenderer renderer,
        Microsoft.Extensions.Options.IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        if (await editions.GetAsync(id, ct) is not { } edition)
        {
            return AdminPage.NotFound(context);
        }

        var rendered = await renderer.RenderAsync(edition, EditionView.Preview, ct);
        return text == "1"
            ? AdminOutboxRoutes.Framed(context, rendered.Text, "text/plain; charset=utf-8")
            : AdminOutboxRoutes.Framed(context, rendered.Html);
    }

    /// <summary>The send's numbers as JSON, for the page's script (every two seconds while it sends).</summary>
    private static async Task<IResult> Progress(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        if (await editions.GetAsync(id, ct) is not { } edition)
        {
            return AdminPage.NotFound(context);
        }

        var p = await editions.ProgressAsync(edition, ct);
        var text = Text(context);
        var finished = edition.Status != EditionStatus.Sending || p.SendStatus is SendStatus.Finished or SendStatus.Failed;
        var state = p.SendStatus == SendStatus.Failed && p.FailureReason is { Length: > 0 } reason
            ? text.Format(text.Stopped, text.Ltr(reason))
            : text.SendStatusName(p.SendStatus);
        return TypedResults.Json(new EditionProgressAnswer(
            edition.Status.ToString().ToLowerInvariant(), state, p.Recipients, p.Sent, p.Deferred, p.Failed, p.Waiting, p.Skipped, p.Bounced, p.Complaints, finished));
    }

    private static async Task<IResult> SaveText(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        return await AttemptAsync(context, id, form, async edition =>
        {
            await editions.UpdateTextAsync(id, form["subject"], form["intro"], context.Member().Id, ct);
            return edition.Status == EditionStatus.Approved ? "unapproved" : "saved";
        }, ct);
    }

    private static async Task<IResult> Move(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        if (PostOf(form["post"]) is not { } post || form["to"].ToString() is not ("up" or "down"))
        {
            var text = Text(context);
            return await PageAsync(context, id, StatusCodes.Status400BadRequest, PostOf(form["post"]) is null ? text.ProblemUnknownPost : text.BadRequest, null, null, null, ct);
        }

        return await AttemptAsync(context, id, form, async edition =>
        {
            await editions.MoveAsync(id, post, form["to"] == "up", context.Member().Id, ct);
            return edition.Status == EditionStatus.Approved ? "unapproved" : "moved";
        }, ct);
    }

    private static async Task<IResult> RemoveConfirm(HttpContext context, long id, string? post, EditionService editions, CancellationToken ct)
    {
        var text = Text(context);
        if (await RefuseUnlessEditableAsync(context, id, editions, ct) is { } refused)
        {
            return refused;
        }

        var item = PostOf(post) is { } postId ? (await editions.ItemsAsync(id, ct)).FirstOrDefault(i => i.Post.Id == postId) : default;
        if (item.Post is null)
        {
            return await PageAsync(context, id, StatusCodes.Status400BadRequest, text.ProblemUnknownPost, null, null, null, ct);
        }

        return AdminPage.Render<AdminConfirmPage>(context, text.RemoveTitle, new()
        {
            ["Question"] = text.Format(text.RemoveConfirm, item.Post.Title),
            ["Action"] = PathOf(id) + "/remove",
            ["Button"] = text.Remove,
            ["Back"] = PathOf(id),
            ["Fields"] = new Dictionary<string, string> { ["post"] = item.Post.Id.ToString(CultureInfo.InvariantCulture), ["confirmed"] = Confirmed },
        });
    }

    private static async Task<IResult> Remove(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        if (PostOf(form["post"]) is not { } post)
        {
            return await PageAsync(context, id, StatusCodes.Status400BadRequest, Text(context).ProblemUnknownPost, null, null, null, ct);
        }

        if (form["confirmed"] != Confirmed)
        {
            return TypedResults.Redirect(string.Create(CultureInfo.InvariantCulture, $"{PathOf(id)}/remove?post={post}"));
        }

        return await AttemptAsync(context, id, form, async edition =>
        {
            await editions.RemoveAsync(id, post, context.Member().Id, ct);
            return edition.Status == EditionStatus.Approved ? "unapproved" : "removed";
        }, ct);
    }

    private static async Task<IResult> RefreshConfirm(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        if (await RefuseUnlessRefreshableAsync(context, id, editions, ct) is { } refused)
        {
            return refused;
        }

        var text = Text(context);
        return AdminPage.Render<AdminConfirmPage>(context, text.Refresh, new()
        {
            ["Question"] = text.RefreshConfirm, ["Action"] = PathOf(id) + "/refresh", ["Button"] = text.Refresh, ["Back"] = PathOf(id),
            ["Fields"] = new Dictionary<string, string> { ["confirmed"] = Confirmed },
        });
    }

    private static async Task<IResult> Refresh(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        if (await RefuseUnlessRefreshableAsync(context, id, editions, ct) is { } refused)
        {
            return refused;
        }

        if (form["confirmed"] != Confirmed)
        {
            return TypedResults.Redirect(PathOf(id) + "/refresh");
        }

        return await editions.PrepareAsync(id, refresh: true, ct)
            ? AdminPage.Done(PathOf(id), "refreshed")
            : await RefusedAsync(context, id, EditionProblem.AlreadySent, form, ct);
    }

    /// <summary>A test to one address; the server's reply comes back to the page sealed in the redirect.</summary>
    private static async Task<IResult> SendTest(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        if (await editions.GetAsync(id, ct) is null)
        {
            return AdminPage.NotFound(context);
        }

        try
        {
            var result = await editions.SendTestAsync(id, form["address"].ToString(), ct);
            return AdminPage.Done(PathOf(id) + "?reply=" + Uri.EscapeDataString(SealReply(context, id, result)), "tested");
        }
        catch (EditionException e)
        {
            return await RefusedAsync(context, id, e.Problem, form, ct);
        }
    }

    private static async Task<IResult> ApproveConfirm(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        if (await RefuseUnlessEditableAsync(context, id, editions, ct) is { } refused)
        {
            return refused;
        }

        var queries = ConsoleRoutes.Queries(context);
        var edition = (await editions.GetAsync(id, ct))!;
        var text = Text(context);
        var subscribers = await queries.SubscribersAsync(edition.Language, ct);
        var question = edition.Newsletter == Edition.Special ? text.Format(text.ApproveSpecialConfirm, subscribers)
            : queries.ApprovalSendsNow(edition) ? text.Format(text.ApproveNowConfirm, subscribers)
            : text.Format(text.ApproveConfirm, text.Ltr(ConsoleText.Time(edition.ScheduledFor, queries.Zone)), subscribers);
        return AdminPage.Render<AdminConfirmPage>(context, text.ApproveTitle, new()
        {
            ["Question"] = question, ["Action"] = PathOf(id) + "/approve", ["Button"] = text.Approve, ["Back"] = PathOf(id),
            ["Fields"] = new Dictionary<string, string> { ["confirmed"] = Confirmed },
        });
    }

    /// <summary>Approves; one that approving sends at once (special, or past its time) must come through the confirmation.</summary>
    private static async Task<IResult> Approve(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var queries = ConsoleRoutes.Queries(context);
        return await AttemptAsync(context, id, form, async edition =>
        {
            var editable = edition.Status is EditionStatus.Draft or EditionStatus.Approved or EditionStatus.Held;
            if (editable && queries.ApprovalSendsNow(edition) && form["confirmed"] != Confirmed)
            {
                return null;
            }

            return await editions.ApproveAsync(id, context.Member().Id, ct) ? "approved-sending" : "approved";
        }, ct, unconfirmed: PathOf(id) + "/approve");
    }

    private static async Task<IResult> Hold(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        return await AttemptAsync(context, id, form, async _ =>
        {
            await editions.HoldAsync(id, context.Member().Id, ct);
            return "held";
        }, ct);
    }

    private static async Task<IResult> SendNowConfirm(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        if (await RefuseUnlessEditableAsync(context, id, editions, ct) is { } refused)
        {
            return refused;
        }

        var edition = (await editions.GetAsync(id, ct))!;
        var text = Text(context);
        var subscribers = await ConsoleRoutes.Queries(context).SubscribersAsync(edition.Language, ct);
        return AdminPage.Render<AdminConfirmPage>(context, text.SendNowTitle, new()
        {
            ["Question"] = text.Format(text.SendNowConfirm, subscribers), ["Action"] = PathOf(id) + "/send", ["Button"] = text.SendNow, ["Back"] = PathOf(id),
            ["Fields"] = new Dictionary<string, string> { ["confirmed"] = Confirmed },
        });
    }

    private static async Task<IResult> SendNow(HttpContext context, long id, EditionService editions, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        return await AttemptAsync(context, id, form, async _ =>
        {
            if (form["confirmed"] != Confirmed)
            {
                return null;
            }

            await editions.SendNowAsync(id, context.Member().Id, ct);
            return "sending";
        }, ct, unconfirmed: PathOf(id) + "/send");
    }

    // ---- The parts -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs an editor's action on the edition as it is now: back to its page with the notice the action names, to
    /// <paramref name="unconfirmed"/> when it names none (it needs its confirmation first), or the page again with the
    /// library's refusal.
    /// </summary>
    private static async Task<IResult> AttemptAsync(
        HttpContext context, long id, IFormCollection form, Func<Edition, Task<string?>> action, CancellationToken ct, string? unconfirmed = null)
    {
        var editions = context.RequestServices.GetRequiredService<EditionService>();
        if (await editions.GetAsync(id, ct) is not { } edition)
        {
            return AdminPage.NotFound(context);
        }

        try
        {
            return await action(edition) is { } notice
                ? AdminPage.Done(PathOf(id), notice)
                : TypedResults.Redirect(unconfirmed ?? PathOf(id));
        }
        catch (EditionException e)
        {
            return await RefusedAsync(context, id, e.Problem, form, ct);
        }
    }

    /// <summary>The page again with the refusal in the admin's language: 404 for no edition, 409 for one already sent, else 400.</summary>
    private static async Task<IResult> RefusedAsync(HttpContext context, long id, EditionProblem problem, IFormCollection? form, CancellationToken ct)
    {
        if (problem == EditionProblem.NotFound)
        {
            return AdminPage.NotFound(context);
        }

        var editions = context.RequestServices.GetRequiredService<EditionService>();
        var now = await editions.GetAsync(id, ct);
        var message = Text(context).Problem(problem, now, ConsoleRoutes.SubjectRefused(form?["subject"]));
        var status = problem == EditionProblem.AlreadySent ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return await PageAsync(context, id, status, message, notice: null, reply: null, form, ct);
    }

    /// <summary>The refusal a confirmation page gives instead of asking about an edition that can no longer do it.</summary>
    private static async Task<IResult?> RefuseUnlessEditableAsync(HttpContext context, long id, EditionService editions, CancellationToken ct) =>
        await editions.GetAsync(id, ct) switch
        {
            null => AdminPage.NotFound(context),
            { Status: EditionStatus.Sending or EditionStatus.Sent } => await RefusedAsync(context, id, EditionProblem.AlreadySent, null, ct),
            { Status: EditionStatus.Skipped } => await RefusedAsync(context, id, EditionProblem.Empty, null, ct),
            _ => null,
        };

    /// <summary>Only a digest edition that has not gone out can have its posts chosen again (a skipped one too).</summary>
    private static async Task<IResult?> RefuseUnlessRefreshableAsync(HttpContext context, long id, EditionService editions, CancellationToken ct) =>
        await editions.GetAsync(id, ct) switch
        {
            null => AdminPage.NotFound(context),
            { Status: EditionStatus.Sending or EditionStatus.Sent } => await RefusedAsync(context, id, EditionProblem.AlreadySent, null, ct),
            { Newsletter: not Edition.Digest } => await PageAsync(context, id, StatusCodes.Status400BadRequest, Text(context).ProblemNotDigest, null, null, null, ct),
            _ => null,
        };

    private static async Task<IResult> PageAsync(
        HttpContext context, long id, int status, string? error, string? notice, EditionTestReply? reply, IFormCollection? typed, CancellationToken ct)
    {
        var details = await ConsoleRoutes.Queries(context).DetailsAsync(id, ct);
        if (details is null)
        {
            return AdminPage.NotFound(context);
        }

        var edition = details.Edition;

        // What was typed into a refused form is shown again, so nothing is lost; otherwise what is stored.
        return AdminPage.Render<EditionPage>(context, Text(context).EditionName(edition), new()
        {
            ["Details"] = details,
            ["Subject"] = typed is not null && typed.ContainsKey("subject") ? typed["subject"].ToString() : edition.Subject,
            ["Intro"] = typed is not null && typed.ContainsKey("intro") ? typed["intro"].ToString() : edition.Intro,
            ["TestAddress"] = typed is not null && typed.ContainsKey("address") ? typed["address"].ToString() : context.Member().Email,
            ["Reply"] = reply,
        }, status, error, notice);
    }

    private static int? PostOf(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static ITimeLimitedDataProtector ReplyProtector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(ReplyPurpose).ToTimeLimitedDataProtector();

    private static string SealReply(HttpContext context, long id, TransportResult result) =>
        ReplyProtector(context).Protect(
            string.Create(CultureInfo.InvariantCulture, $"{id}\n{context.Member().Id}\n{(result.Outcome == TransportOutcome.Sent ? 1 : 0)}\n{result.Detail}"),
            ReplyLifetime);

    /// <summary>The reply sealed for this edition and this member, or null (none, expired, or not theirs).</summary>
    private static EditionTestReply? OpenReply(HttpContext context, long id, string? sealedReply)
    {
        if (string.IsNullOrEmpty(sealedReply))
        {
            return null;
        }

        try
        {
            var parts = ReplyProtector(context).Unprotect(sealedReply).Split('\n', 4);
            return parts.Length == 4
                && parts[0] == id.ToString(CultureInfo.InvariantCulture)
                && parts[1] == context.Member().Id.ToString(CultureInfo.InvariantCulture)
                ? new EditionTestReply(parts[2] == "1", parts[3])
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
