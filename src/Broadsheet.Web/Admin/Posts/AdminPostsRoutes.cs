using System.Data;
using System.Data.Common;
using System.Globalization;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Web.Site;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>
/// The admin's routes for posts and the editor (mapped into the /admin group by <see cref="AdminRoutes"/>). Every write
/// goes through <see cref="PostService"/>; every permission through <see cref="PostAccess"/> before anything is written.
/// </summary>
internal static class AdminPostsRoutes
{
    public const int PageSize = 25;

    /// <summary>How many recent uploads and posts the editor offers as a cover and as the translation.</summary>
    private const int MediaChoices = 60;
    private const int TranslationChoices = 300;

    public static void MapAdminPosts(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var posts = admin.MapGroup("/posts").RequireAuthorization(AdminAuth.StaffPolicy);
        posts.MapGet("/", List);
        posts.MapGet("/new", NewForm);
        posts.MapPost("/new", Create);
        posts.MapPost("/preview", PreviewBody);
        posts.MapGet("/{id:int}", EditForm);
        posts.MapPost("/{id:int}", Save);
        posts.MapPost("/{id:int}/autosave", Autosave);
        posts.MapPost("/{id:int}/unpublish", Unpublish);
        posts.MapGet("/{id:int}/delete", DeleteConfirm);
        posts.MapPost("/{id:int}/delete", Delete);
        posts.MapGet("/{id:int}/preview", PreviewPage);
    }

    // --- The list ---------------------------------------------------------------------------------------

    private static async Task<IResult> List(HttpContext context, BroadsheetDb db, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var me = context.Member();
        var text = PostsText.For(me.Language);
        var filter = PostListFilter.From(context.Request.Query);
        var query = db.Posts.AsNoTracking().VisibleTo(me);
        if (filter.Kind is { } kind)
        {
            query = query.Where(p => p.Kind == kind);
        }

        if (filter.Language is { } language)
        {
            query = query.Where(p => p.Language == language);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(p => p.Status == status);
        }

        if (filter.Author is { } author)
        {
            query = query.Where(p => p.Authors.Any(a => a.Slug == author));
        }

        if (filter.Tag is not null)
        {
            var tag = filter.TagSlug ?? "";
            query = query.Where(p => p.Tags.Any(t => t.Slug == tag));
        }

        var total = await query.CountAsync(ct);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Min(filter.Page, pageCount);
        // Newest first: a draft by when it was started, anything else by when it went (or goes) public.
        var items = await query.OrderByDescending(p => p.PublishAt ?? p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Include(p => p.Authors).AsSplitQuery().ToListAsync(ct);

        var creatorIds = items.Where(p => p.CreatedById is not null).Select(p => p.CreatedById!.Value).Distinct().ToList();
        var creators = await db.StaffMembers.AsNoTracking().Where(m => creatorIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        var zone = options.Value.ResolveTimeZone();
        var rows = items.Select(p => new PostListRow(
            p,
            p.CreatedById is { } by && creators.TryGetValue(by, out var name) ? name : null,
            p.PublishAt is { } at && p.Status != PostStatus.Draft ? LocalDisplay(at, zone) : null,
            PostAccess.CanEdit(me, p))).ToList();
        var authors = await db.Authors.AsNoTracking().OrderBy(a => a.Slug).ToListAsync(ct);

        return AdminPage.Render<PostsPage>(context, AdminText.For(me.Language).Posts, new()
        {
            ["Model"] = new PostListModel(rows, filter with { Page = page }, page, pageCount, total, authors),
        }, notice: text.Notice(context.Request.Query["notice"]));
    }

    // --- The editor -------------------------------------------------------------------------------------

    private static async Task<IResult> NewForm(HttpContext context, BroadsheetDb db, MarkdownRenderer markdown, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var me = context.Member();
        if (!StaffPermissions.CanWrite(me.Role))
        {
            return AdminPage.Forbidden(context);
        }

        // "Translate this post" links here with the other language and the original chosen.
        var language = context.Request.Query["language"].ToString();
        var form = new PostForm
        {
            Language = Language.IsSupported(language) ? language : me.Language,
            TranslationOf = int.TryParse(context.Request.Query["translation_of"], NumberStyles.None, CultureInfo.InvariantCulture, out var of)
                ? of.ToString(CultureInfo.InvariantCulture) : "",
        };
        return await EditorAsync(context, db, markdown, options.Value, null, form, StatusCodes.Status200OK, null, ct);
    }

    private static async Task<IResult> EditForm(HttpContext context, int id, BroadsheetDb db, MarkdownRenderer markdown, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var me = context.Member();
        var post = await LoadAsync(db, id, ct);
        if (post is null)
        {
            return AdminPage.NotFound(context);
        }

        if (!PostAccess.CanEdit(me, post))
        {
            return AdminPage.Forbidden(context);
        }

        var form = PostForm.From(post, await TranslationIdAsync(db, post, ct), options.Value.ResolveTimeZone());
        return await EditorAsync(context, db, markdown, options.Value, post, form, StatusCodes.Status200OK, null, ct);
    }

    private static async Task<IResult> EditorAsync(HttpContext context, BroadsheetDb db, MarkdownRenderer markdown, BroadsheetOptions options,
        Post? post, PostForm form, int status, string? error, CancellationToken ct)
    {
        var me = context.Member();
        var text = PostsText.For(me.Language);
        var zone = options.ResolveTimeZone();

        var media = await db.Media.AsNoTracking().OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(MediaChoices).ToListAsync(ct);
        if (form.CoverMediaId is { } chosen && media.All(m => m.Id != chosen) &&
            await db.Media.AsNoTracking().FirstOrDefaultAsync(m => m.Id == chosen, ct) is { } chosenMedia)
        {
            media.Insert(0, chosenMedia);
        }

        var self = post?.Id ?? 0;
        var translations = await db.Posts.AsNoTracking().VisibleTo(me).Where(p => p.Id != self)
            .OrderByDescending(p => p.PublishAt ?? p.CreatedAt).ThenByDescending(p => p.Id).Take(TranslationChoices)
            .Select(p => new TranslationChoice(p.Id, p.Language, p.Title)).ToListAsync(ct);
        if (form.TranslationId is { } linked && translations.All(t => t.Id != linked) &&
            await db.Posts.AsNoTracking().Where(p => p.Id == linked).Select(p => new TranslationChoice(p.Id, p.Language, p.Title)).FirstOrDefaultAsync(ct) is { } linkedChoice)
        {
            // The post already linked stays on offer even when its author's draft is not otherwise visible here.
            translations.Insert(0, linkedChoice);
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var model = new PostEditorModel
        {
            Post = post,
            Form = form,
            Authors = await db.Authors.AsNoTracking().OrderBy(a => a.Slug).ToListAsync(ct),
            Media = media,
            Translations = translations,
            CanPublish = PostAccess.CanPublish(me, post),
            CanDelete = post is not null && PostAccess.CanDelete(me, post),
            TimeZone = options.TimeZone,
            PublishTimeText = post?.PublishAt is { } at ? LocalDisplay(at, zone) : null,
            PreviewHtml = form.Body.Length <= PostService.MaxBodyLength ? markdown.ToHtml(form.Body.Replace("\r\n", "\n", StringComparison.Ordinal)) : "",
            PublicPath = post is not null && post.IsPublic(now) ? SiteFormat.ArticlePath(post.Language, post.Slug) : null,
        };
        var title = post is null ? text.NewPost : text.Format(text.EditPost, post.Title);
        return AdminPage.Render<PostEditorPage>(context, title, new() { ["Model"] = model }, status, error,
            status == StatusCodes.Status200OK ? text.Notice(context.Request.Query["notice"]) : null);
    }

    // --- Writing ----------------------------------------------------------------------------------------

    private enum EditorAction
    {
        Save,
        Publish,
        Schedule,
    }

    private static EditorAction? ParseAction(string? action) => action switch
    {
        null or "" or "save" => EditorAction.Save,
        "publish" => EditorAction.Publish,
        "schedule" => EditorAction.Schedule,
        _ => null,
    };

    private static async Task<IResult> Create(HttpContext context, BroadsheetDb db, PostService posts, MarkdownRenderer markdown,
        IOptions<BroadsheetOptions> options, TimeProvider time, CancellationToken ct)
    {
        var me = context.Member();
        var raw = await AdminPage.FormAsync(context);
        var form = PostForm.Read(raw);
        var action = ParseAction(raw["action"]);
        if (!StaffPermissions.CanWrite(me.Role) || (action is EditorAction.Publish or EditorAction.Schedule && !PostAccess.CanPublish(me, null)))
        {
            return AdminPage.Forbidden(context);
        }

        var text = PostsText.For(me.Language);
        var (input, error, forbidden) = await InputAsync(db, me, form, null, action, options.Value.ResolveTimeZone(), time, text, ct);
        if (forbidden)
        {
            return AdminPage.Forbidden(context);
        }

        if (input is not null)
        {
            try
            {
                var post = await posts.CreateAsync(input with { CreatedById = me.Id }, ct);
                return AdminPage.Done($"/admin/posts/{post.Id}", action == EditorAction.Save ? "created" : NoticeFor(action!.Value));
            }
            catch (PublishingException e)
            {
                error = text.PublishingError(e.Message);
            }
        }

        return await EditorAsync(context, db, markdown, options.Value, null, form, StatusCodes.Status400BadRequest, error, ct);
    }

    private static async Task<IResult> Save(HttpContext context, int id, BroadsheetDb db, PostService posts, MarkdownRenderer markdown,
        IOptions<BroadsheetOptions> options, TimeProvider time, IEnumerable<IContentChangeListener> listeners, CancellationToken ct)
    {
        var me = context.Member();
        var raw = await AdminPage.FormAsync(context);
        var form = PostForm.Read(raw);
        var action = ParseAction(raw["action"]);
        var text = PostsText.For(me.Language);
        string? error;
        var saved = false;
        await using (var transaction = await BeginAsync(db, ct))
        {
            var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            if (post is null)
            {
                return AdminPage.NotFound(context);
            }

            if (!PostAccess.CanEdit(me, post) || (action is EditorAction.Publish or EditorAction.Schedule && !PostAccess.CanPublish(me, post)))
            {
                return AdminPage.Forbidden(context);
            }

            (var input, error, var forbidden) = await InputAsync(db, me, form, post, action, options.Value.ResolveTimeZone(), time, text, ct);
            if (forbidden)
            {
                return AdminPage.Forbidden(context);
            }

            if (input is not null)
            {
                error = await WriteAsync(transaction, () => posts.UpdateAsync(id, input, ct), listeners, text, ct);
                saved = error is null;
            }
        }

        if (saved)
        {
            return AdminPage.Done($"/admin/posts/{id}", NoticeFor(action!.Value));
        }

        // The form comes back as typed, over the post as it now stands.
        var current = await LoadAsync(db, id, ct);
        return current is null
            ? AdminPage.NotFound(context)
            : await EditorAsync(context, db, markdown, options.Value, current, form, StatusCodes.Status400BadRequest, error, ct);
    }

    /// <summary>
    /// Drafts only, answered in JSON for admin-posts.js. The status check and the write share one transaction, so an
    /// editor publishing the post at the same moment cannot be undone by an autosave that read it as a draft.
    /// </summary>
    private static async Task<IResult> Autosave(HttpContext context, int id, BroadsheetDb db, PostService posts,
        IOptions<BroadsheetOptions> options, TimeProvider time, IEnumerable<IContentChangeListener> listeners, CancellationToken ct)
    {
        var me = context.Member();
        var form = PostForm.Read(await AdminPage.FormAsync(context));
        var text = PostsText.For(me.Language);
        var zone = options.Value.ResolveTimeZone();
        string? error;
        await using (var transaction = await BeginAsync(db, ct))
        {
            var (post, refusal) = await FindAsync(context, db, id, PostAccess.CanEdit, ct);
            if (refusal is not null)
            {
                return refusal;
            }

            if (post.Status != PostStatus.Draft)
            {
                return TypedResults.Json(new AutosaveAnswer(null, text.ErrorNotDraft), statusCode: StatusCodes.Status409Conflict);
            }

            (var input, error, var forbidden) = await InputAsync(db, me, form, post, EditorAction.Save, zone, time, text, ct);
            if (forbidden)
            {
                return AdminPage.Forbidden(context);
            }

            if (input is not null)
            {
                error = await WriteAsync(transaction, () => posts.UpdateAsync(id, input, ct), listeners, text, ct);
            }
        }

        if (error is not null)
        {
            return TypedResults.Json(new AutosaveAnswer(null, error), statusCode: StatusCodes.Status400BadRequest);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        return TypedResults.Json(new AutosaveAnswer(SiteFormat.Iso(now), null, text.Format(text.SavedAt, local)));
    }

    private static async Task<IResult> Unpublish(HttpContext context, int id, BroadsheetDb db, PostService posts, CancellationToken ct)
    {
        var me = context.Member();
        var (post, refusal) = await FindAsync(context, db, id, PostAccess.CanPublish, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (post.Status != PostStatus.Draft)
        {
            await posts.UnpublishAsync(id, ct);
        }

        return AdminPage.Done($"/admin/posts/{id}", "unpublished");
    }

    private static async Task<IResult> DeleteConfirm(HttpContext context, int id, BroadsheetDb db, CancellationToken ct)
    {
        var me = context.Member();
        var (post, refusal) = await FindAsync(context, db, id, PostAccess.CanDelete, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var text = PostsText.For(me.Language);
        return AdminPage.Render<AdminConfirmPage>(context, text.Delete, new()
        {
            ["Question"] = text.Format(text.DeleteConfirm, post.Title), ["Action"] = $"/admin/posts/{id}/delete",
            ["Button"] = text.Delete, ["Back"] = $"/admin/posts/{id}",
        });
    }

    private static async Task<IResult> Delete(HttpContext context, int id, BroadsheetDb db, PostService posts, CancellationToken ct)
    {
        var me = context.Member();
        var (post, refusal) = await FindAsync(context, db, id, PostAccess.CanDelete, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        await posts.DeleteAsync(id, ct);
        return AdminPage.Done("/admin/posts", "deleted");
    }

    // --- Previews ---------------------------------------------------------------------------------------

    /// <summary>The body as the site would render it, for the editor's live preview; any staff member, with the token.</summary>
    private static async Task<IResult> PreviewBody(HttpContext context, MarkdownRenderer markdown)
    {
        var form = await AdminPage.FormAsync(context);
        var body = form["body"].ToString();
        var language = form["language"].ToString();
        if (!Language.IsSupported(language))
        {
            language = context.Member().Language;
        }

        if (body.Length > PostService.MaxBodyLength)
        {
            return TypedResults.Text(PostsText.For(context.Member().Language).ErrorBodyTooLong, statusCode: StatusCodes.Status400BadRequest);
        }

        var html = markdown.ToHtml(body.Replace("\r\n", "\n", StringComparison.Ordinal));
        return TypedResults.Text($"<div class=\"body\" lang=\"{language}\" dir=\"{Language.Direction(language)}\">{html}</div>", "text/html; charset=utf-8");
    }

    /// <summary>The article page exactly as the site renders it, drafts included, with a banner; never cached or indexed.</summary>
    private static async Task<IResult> PreviewPage(HttpContext context, int id, BroadsheetDb db, IOptions<BroadsheetOptions> options, TimeProvider time, CancellationToken ct)
    {
        var me = context.Member();
        var post = await LoadAsync(db, id, ct);
        if (post is null)
        {
            return AdminPage.NotFound(context);
        }

        if (!PostAccess.CanSee(me, post))
        {
            return AdminPage.Forbidden(context);
        }

        var now = time.GetUtcNow().UtcDateTime;
        // As readers would see it: the language switch leads to the translation only once that is public.
        var translation = post.TranslationKey is { } key
            ? await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.TranslationKey == key && p.Language != post.Language, ct)
            : null;
        if (translation is not null && !translation.IsPublic(now))
        {
            translation = null;
        }

        var html = await PostPreview.RenderAsync(context, post, translation, options.Value, PostsText.For(me.Language), PostAccess.CanEdit(me, post));
        AdminPage.NoStore(context); // no-store, noindex, nofollow: a draft must not linger in a cache or an index
        return TypedResults.Text(html, "text/html; charset=utf-8");
    }

    // --- Helpers ----------------------------------------------------------------------------------------

    private static Task<Post?> LoadAsync(BroadsheetDb db, int id, CancellationToken ct) =>
        db.Posts.AsNoTracking().Include(p => p.Tags).Include(p => p.Authors).AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, ct);

    private static async Task<int?> TranslationIdAsync(BroadsheetDb db, Post post, CancellationToken ct) =>
        post.TranslationKey is { } key
            ? await db.Posts.AsNoTracking().Where(p => p.TranslationKey == key && p.Id != post.Id).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct)
            : null;

    /// <summary>
    /// The form as the service's input for <paramref name="action"/> on <paramref name="post"/> (null: a new one), or why
    /// not in words, or forbidden (a translation the member may not see). Nothing is written here.
    /// </summary>
    private static async Task<(PostInput? Input, string? Error, bool Forbidden)> InputAsync(BroadsheetDb db, StaffMember me, PostForm form, Post? post,
        EditorAction? action, TimeZoneInfo zone, TimeProvider time, PostsText text, CancellationToken ct)
    {
        if (action is not { } act)
        {
            return (null, text.ErrorAction, false);
        }

        if (form.Problem(post, zone, text, out var input, out var publishAt) is { } problem)
        {
            return (null, problem, false);
        }

        // Linking a translation changes the other post too: only one the member may see, unless it is already the link.
        if (input.TranslationOf is { } other && (post is null || await TranslationIdAsync(db, post, ct) != other) &&
            await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == other, ct) is { } target && !PostAccess.CanSee(me, target))
        {
            return (null, null, true);
        }

        // The alt text given at upload describes the image; a post may say it differently, or leave it to that.
        if (input.CoverMediaId is { } mediaId && input.CoverImageAlt is null)
        {
            input = input with { CoverImageAlt = await db.Media.AsNoTracking().Where(m => m.Id == mediaId).Select(m => m.Alt).FirstOrDefaultAsync(ct) };
        }

        var now = time.GetUtcNow().UtcDateTime;
        var status = post?.Status ?? PostStatus.Draft;
        switch (act)
        {
            case EditorAction.Publish:
                // Publishing now; an already public post keeps the time it shows (an editor may correct it).
                return (input with { Status = PostStatus.Published, PublishAt = status == PostStatus.Published ? publishAt : null }, null, false);
            case EditorAction.Schedule:
            case EditorAction.Save when status == PostStatus.Scheduled:
                if (publishAt is null)
                {
                    return (null, text.ErrorNeedsTime, false);
                }

                return publishAt <= now
                    ? (null, text.ErrorTimePassed, false)
                    : (input with { Status = PostStatus.Scheduled, PublishAt = publishAt }, null, false);
            case EditorAction.Save when status == PostStatus.Published:
                // Saving a public post keeps it public: its edits go live on this explicit save.
                return (input with { Status = PostStatus.Published, PublishAt = publishAt }, null, false);
            default:
                return (input, null, false);
        }
    }

    /// <summary>
    /// A transaction for read-check-write: on PostgreSQL a concurrent change to the same row fails ours instead of being
    /// overwritten; on SQLite the write lock is taken at the start (BEGIN IMMEDIATE), so writes simply queue.
    /// </summary>
    private static Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAsync(BroadsheetDb db, CancellationToken ct) =>
        db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

    /// <summary>Runs the write and commits; the refusal in words, or null when it is saved.</summary>
    private static async Task<string?> WriteAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, Func<Task> write,
        IEnumerable<IContentChangeListener> listeners, PostsText text, CancellationToken ct)
    {
        try
        {
            await write();
            await transaction.CommitAsync(ct);
        }
        catch (PublishingException e)
        {
            await transaction.RollbackAsync(ct);
            return text.PublishingError(e.Message);
        }
        catch (DbException)
        {
            return text.ErrorConflict; // The commit lost a race with another change to the post; the transaction is gone.
        }

        // The service told the caches inside the transaction; a reader in between could have cached the old page again.
        foreach (var listener in listeners)
        {
            await listener.ContentChangedAsync(ct);
        }

        return null;
    }

    private static string NoticeFor(EditorAction action) => action switch
    {
        EditorAction.Publish => "published",
        EditorAction.Schedule => "scheduled",
        _ => "saved",
    };

    private static string LocalDisplay(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The post, or the refusal to give instead: 404 when there is none, 403 when <paramref name="allowed"/> says no.</summary>
    private static async Task<(Post Post, IResult? Refusal)> FindAsync(HttpContext context, BroadsheetDb db, int id, Func<StaffMember, Post, bool> allowed, CancellationToken ct)
    {
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (post is null)
        {
            return (null!, AdminPage.NotFound(context));
        }

        return allowed(context.Member(), post) ? (post, null) : (post, AdminPage.Forbidden(context));
    }
}
