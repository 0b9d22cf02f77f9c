using Broadsheet.Data;
using Broadsheet.Publishing.Media;
using Broadsheet.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web.Admin.Media;

/// <summary>The admin's routes for image uploads (mapped into the /admin group by <see cref="AdminRoutes"/>).</summary>
internal static class AdminMediaRoutes
{
    /// <summary>
    /// The largest upload request the server reads in full (64 MiB, the library's 20 MiB limit with room to spare). The
    /// admin group's token check reads the whole form first, and a browser shows an answer only once its upload was
    /// taken, so a file somewhat over the limit is read and then refused with a page that says why (413). Beyond this
    /// the server stops reading and drops the connection.
    /// </summary>
    public const long MaxRequestBytes = 64L * 1024 * 1024;

    private const int PageSize = 48;

    public static void MapAdminMedia(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var media = admin.MapGroup("/media").RequireAuthorization(AdminAuth.StaffPolicy);
        media.MapGet("/", List);
        media.MapPost("/", Upload).WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes));
        media.MapGet("/{id:int}/delete", DeleteConfirm);
        media.MapPost("/{id:int}/delete", Delete);
    }

    /// <summary><paramref name="page"/> is read leniently: a hand-edited <c>?page=</c> shows the first page, not an error.</summary>
    private static Task<IResult> List(HttpContext context, BroadsheetDb db, IOptions<BroadsheetOptions> options, string? page, string? notice, CancellationToken ct)
    {
        var words = MediaText.For(context.Member().Language);
        var said = notice switch
        {
            "uploaded" => words.Uploaded,
            "deleted" => words.Deleted,
            _ => null,
        };
        var number = int.TryParse(page, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 1;
        return LibraryView(context, db, options.Value, number, said, error: null, alt: null, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> LibraryView(
        HttpContext context, BroadsheetDb db, BroadsheetOptions options, int page, string? notice, string? error, string? alt, int status, CancellationToken ct)
    {
        var me = context.Member();
        page = Math.Clamp(page, 1, 100_000);
        // One more than a page tells whether there is an older page without counting the whole table.
        var items = await db.Media.AsNoTracking()
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip((page - 1) * PageSize).Take(PageSize + 1)
            .ToListAsync(ct);
        var uploaderIds = items.Where(m => m.UploadedById is not null).Select(m => m.UploadedById!.Value).Distinct().ToList();
        var names = await db.StaffMembers.AsNoTracking()
            .Where(s => uploaderIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var zone = options.ResolveTimeZone();
        var cards = items.Take(PageSize)
            .Select(m => new MediaCard(m, m.UploadedById is { } id && names.TryGetValue(id, out var name) ? name : null,
                TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(m.CreatedAt, DateTimeKind.Utc), zone)))
            .ToList();
        return AdminPage.Render<MediaPage>(context, MediaText.For(me.Language).Title, new()
        {
            ["Cards"] = cards,
            ["PageNumber"] = page,
            ["HasOlder"] = items.Count > PageSize,
            ["CanDelete"] = CanDelete(me.Role),
            ["Alt"] = alt,
        }, status, error, notice);
    }

    /// <summary>The token was checked by the admin group's filter, which read the (multipart) form already; this reads it from there.</summary>
    private static async Task<IResult> Upload(HttpContext context, MediaLibrary library, BroadsheetDb db, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var me = context.Member();
        var words = MediaText.For(me.Language);
        var form = await AdminPage.FormAsync(context);
        var alt = form["alt"].ToString();
        var keptAlt = alt.Length <= MediaLibrary.MaxAltLength ? alt : null;
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return await LibraryView(context, db, options.Value, 1, null, words.ChooseFile, keptAlt, StatusCodes.Status400BadRequest, ct);
        }

        if (file.Length > MediaLibrary.MaxUploadBytes)
        {
            return await LibraryView(context, db, options.Value, 1, null, words.Error(MediaError.TooLarge), keptAlt, StatusCodes.Status413PayloadTooLarge, ct);
        }

        MediaUploadResult result;
        await using (var content = file.OpenReadStream())
        {
            result = await library.StoreAsync(content, file.FileName, alt, me.Id, ct);
        }

        return result.Succeeded
            ? AdminPage.Done("/admin/media", "uploaded")
            : await LibraryView(context, db, options.Value, 1, null, words.Error(result.Error), keptAlt,
                result.Error == MediaError.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, ct);
    }

    private static async Task<IResult> DeleteConfirm(HttpContext context, int id, MediaLibrary library, CancellationToken ct)
    {
        var me = context.Member();
        if (!CanDelete(me.Role))
        {
            return AdminPage.Forbidden(context);
        }

        var item = await library.FindAsync(id, ct);
        if (item is null)
        {
            return AdminPage.NotFound(context);
        }

        var words = MediaText.For(me.Language);
        return AdminPage.Render<AdminConfirmPage>(context, words.Delete, new()
        {
            ["Question"] = words.Format(words.DeleteConfirm, item.Alt),
            ["Action"] = $"/admin/media/{id}/delete",
            ["Button"] = words.Delete,
            ["Back"] = "/admin/media",
        });
    }

    private static async Task<IResult> Delete(HttpContext context, int id, MediaLibrary library, BroadsheetDb db, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var me = context.Member();
        if (!CanDelete(me.Role))
        {
            return AdminPage.Forbidden(context);
        }

        var error = await library.DeleteAsync(id, ct);
        return error switch
        {
            MediaError.None => AdminPage.Done("/admin/media", "deleted"),
            MediaError.NotFound => AdminPage.NotFound(context),
            _ => await LibraryView(context, db, options.Value, 1, null, MediaText.For(me.Language).Error(error), null, StatusCodes.Status409Conflict, ct),
        };
    }

    /// <summary>
    /// Deleting an image takes it from everyone's posts, so only those who may edit any post (editors and above) may;
    /// anyone on the staff may upload.
    /// </summary>
    private static bool CanDelete(StaffRole role) => StaffPermissions.CanEdit(role, ownPost: false);
}
