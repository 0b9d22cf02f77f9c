using System.Diagnostics.CodeAnalysis;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Broadsheet.Staff;
using Broadsheet.Subscribers;
using Broadsheet.Web.Admin.Media;
using Broadsheet.Web.Admin.Newsletter;
using Broadsheet.Web.Admin.Outbox;
using Broadsheet.Web.Admin.Posts;
using Broadsheet.Web.Admin.Settings;
using Broadsheet.Web.Admin.Subscribers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Broadsheet.Web.Admin;

/// <summary>
/// The admin's route table for accounts, the dashboard and staff. Every POST under /admin carries the antiforgery
/// token (checked by one filter on the whole group); every page is rendered through <see cref="AdminPage"/>.
/// Each area (posts, subscribers, the outbox…) maps its own routes from its own file into the same groups.
/// </summary>
internal static class AdminRoutes
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(ValidateFormAsync);

        // Before signing in.
        admin.MapGet("/setup", SetupForm);
        admin.MapPost("/setup", SetUp);
        admin.MapGet("/login", LoginForm);
        admin.MapPost("/login", SignIn);
        admin.MapGet("/login/code", CodeForm);
        admin.MapPost("/login/code", VerifyCode);
        admin.MapGet("/forgot", ForgotForm);
        admin.MapPost("/forgot", Forgot);
        admin.MapGet("/reset/{token}", ResetForm);
        admin.MapPost("/reset/{token}", Reset);
        admin.MapGet("/invitation/{token}", InvitationForm);
        admin.MapPost("/invitation/{token}", AcceptInvitation);
        admin.MapPost("/logout", (Delegate)SignOut);
        admin.MapGet("/forbidden", AdminPage.Forbidden);

        var staff = admin.MapGroup("").RequireAuthorization(AdminAuth.StaffPolicy);
        staff.MapGet("/", Dashboard);
        staff.MapGet("/account", Account);
        staff.MapPost("/account/language", SaveLanguage);
        staff.MapPost("/account/2fa", EnableTwoFactor);
        staff.MapGet("/account/2fa/off", DisableTwoFactorConfirm);
        staff.MapPost("/account/2fa/off", DisableTwoFactor);

        var managers = admin.MapGroup("/staff").RequireAuthorization(AdminAuth.ManagersPolicy);
        managers.MapGet("/", StaffList);
        managers.MapPost("/invite", Invite);
        managers.MapPost("/{id:int}/role", ChangeRole);
        managers.MapGet("/{id:int}/remove", RemoveConfirm);
        managers.MapPost("/{id:int}/remove", Remove);

        // Each area maps its own routes from its own folder.
        admin.MapAdminPosts();
        admin.MapAdminMedia();
        admin.MapAdminSubscribers();
        admin.MapAdminOutbox();
        admin.MapAdminSettings();
        admin.MapAdminNewsletterTemplates();
        admin.MapAdminNewsletterConsole();

        // Anything else under /admin is the admin's own "not found", in the admin's language.
        admin.MapFallback(AdminPage.NotFound);
    }

    private static async ValueTask<object?> ValidateFormAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        AdminPage.NoStore(context);
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            return await next(invocation);
        }

        try
        {
            if (!await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
            {
                return AdminPage.FormExpired(context);
            }
        }
        catch (Exception e) when (e is AntiforgeryValidationException or BadHttpRequestException or InvalidDataException or IOException)
        {
            // Reading the form for its token failed: a body over the size limit, a malformed or cut-off form.
            return e.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? AdminPage.TooLarge(context)
                : AdminPage.FormExpired(context);
        }

        return await next(invocation);
    }

    // --- Set-up and signing in -------------------------------------------------------------------------

    private static async Task<IResult> SetupForm(HttpContext context, StaffService staff, CancellationToken ct)
    {
        if (await staff.AnyAsync(ct))
        {
            return TypedResults.Redirect("/admin/login");
        }

        var text = AdminText.For(AdminPage.LanguageOf(context));
        return AdminPage.Render<AccountPage>(context, text.SetupTitle, new() { ["Kind"] = "setup", ["Intro"] = text.SetupIntro });
    }

    private static async Task<IResult> SetUp(HttpContext context, StaffService staff, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var language = LanguageField(form, AdminPage.LanguageOf(context));
        var result = await staff.SetUpOwnerAsync(form["name"], form["email"], form["password"], language, ct);
        if (result.Error == StaffError.SetupAlreadyDone)
        {
            return TypedResults.Redirect("/admin/login");
        }

        var text = AdminText.For(language);
        if (!result.Succeeded)
        {
            return AdminPage.Render<AccountPage>(context, text.SetupTitle, new()
            {
                ["Kind"] = "setup", ["Intro"] = text.SetupIntro, ["Name"] = form["name"].ToString(), ["Email"] = form["email"].ToString(),
            }, StatusCodes.Status400BadRequest, text.Error(result.Error), language: language);
        }

        await AdminAuth.SignInAsync(context, result.Member!);
        return TypedResults.Redirect("/admin");
    }

    private static async Task<IResult> LoginForm(HttpContext context, StaffService staff, string? @return, CancellationToken ct)
    {
        if (!await staff.AnyAsync(ct))
        {
            return TypedResults.Redirect("/admin/setup");
        }

        var text = AdminText.For(AdminPage.LanguageOf(context));
        return AdminPage.Render<AccountPage>(context, text.SignInTitle, new() { ["Kind"] = "login", ["Return"] = LocalReturn(@return) });
    }

    private static async Task<IResult> SignIn(HttpContext context, StaffService staff, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var back = LocalReturn(form["return"]);
        var outcome = await staff.SignInAsync(form["email"], form["password"], ct);
        switch (outcome.Status)
        {
            case SignInStatus.Succeeded:
                await AdminAuth.SignInAsync(context, outcome.Member!);
                return TypedResults.Redirect(back);
            case SignInStatus.NeedsSecondFactor:
                await AdminAuth.SignInSecondFactorPendingAsync(context, outcome.Member!);
                return TypedResults.Redirect("/admin/login/code?return=" + Uri.EscapeDataString(back));
            default:
                var text = AdminText.For(AdminPage.LanguageOf(context));
                var error = outcome.Status == SignInStatus.LockedOut ? text.Format(text.LockedOut, Time(outcome.LockedUntil)) : text.SignInInvalid;
                return AdminPage.Render<AccountPage>(context, text.SignInTitle, new()
                {
                    ["Kind"] = "login", ["Return"] = back, ["Email"] = Limit(form["email"], 254),
                }, StatusCodes.Status400BadRequest, error);
        }
    }

    private static async Task<IResult> CodeForm(HttpContext context, string? @return)
    {
        if (await AdminAuth.SecondFactorPendingAsync(context) is null)
        {
            return TypedResults.Redirect("/admin/login");
        }

        var text = AdminText.For(AdminPage.LanguageOf(context));
        return AdminPage.Render<AccountPage>(context, text.CodeTitle, new() { ["Kind"] = "code", ["Intro"] = text.CodeIntro, ["Return"] = LocalReturn(@return) });
    }

    private static async Task<IResult> VerifyCode(HttpContext context, StaffService staff, CancellationToken ct)
    {
        if (await AdminAuth.SecondFactorPendingAsync(context) is not { } memberId)
        {
            return TypedResults.Redirect("/admin/login");
        }

        var form = await AdminPage.FormAsync(context);
        var back = LocalReturn(form["return"]);
        var outcome = await staff.VerifySecondFactorAsync(memberId, form["code"], ct);
        if (outcome.Status == SignInStatus.Succeeded)
        {
            await AdminAuth.SignOutAsync(context);
            await AdminAuth.SignInAsync(context, outcome.Member!);
            return TypedResults.Redirect(back);
        }

        var text = AdminText.For(AdminPage.LanguageOf(context));
        if (outcome.Status == SignInStatus.LockedOut)
        {
            await AdminAuth.SignOutAsync(context);
            return AdminPage.Render<AccountPage>(context, text.SignInTitle, new() { ["Kind"] = "login", ["Return"] = back },
                StatusCodes.Status400BadRequest, text.Format(text.LockedOut, Time(outcome.LockedUntil)));
        }

        return AdminPage.Render<AccountPage>(context, text.CodeTitle, new() { ["Kind"] = "code", ["Intro"] = text.CodeIntro, ["Return"] = back },
            StatusCodes.Status400BadRequest, text.CodeInvalid);
    }

    [SuppressMessage("Performance", "CA1859", Justification = RouteHandlers.ReturnsIResult)]
    private static IResult ForgotForm(HttpContext context)
    {
        var text = AdminText.For(AdminPage.LanguageOf(context));
        return AdminPage.Render<AccountPage>(context, text.ForgotTitle, new() { ["Kind"] = "forgot", ["Intro"] = text.ForgotIntro });
    }

    /// <summary>The same answer whether or not the address has an account.</summary>
    private static async Task<IResult> Forgot(HttpContext context, StaffService staff, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        await staff.RequestPasswordResetAsync(form["email"], ct);
        var language = LanguageField(form, AdminPage.LanguageOf(context), "lang");
        var text = AdminText.For(language);
        return AdminPage.Render<AccountPage>(context, text.ForgotTitle, new() { ["Kind"] = "sent" }, notice: text.ForgotSent, language: language);
    }

    private static async Task<IResult> ResetForm(HttpContext context, string token, StaffService staff, CancellationToken ct)
    {
        var member = await staff.FindByResetTokenAsync(token, ct);
        var text = AdminText.For(member?.Language ?? AdminPage.LanguageOf(context));
        return member is null
            ? InvalidLink(context, text)
            : AdminPage.Render<AccountPage>(context, text.ResetTitle, new() { ["Kind"] = "reset", ["Action"] = $"/admin/reset/{token}" }, language: member.Language);
    }

    private static async Task<IResult> Reset(HttpContext context, string token, StaffService staff, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var result = await staff.ResetPasswordAsync(token, form["password"], ct);
        var text = AdminText.For(result.Member?.Language ?? AdminPage.LanguageOf(context));
        if (result.Succeeded)
        {
            return AdminPage.Render<AccountPage>(context, text.ResetTitle, new() { ["Kind"] = "done" }, notice: text.ResetDone, language: result.Member!.Language);
        }

        return result.Error == StaffError.InvalidLink
            ? InvalidLink(context, text)
            : AdminPage.Render<AccountPage>(context, text.ResetTitle, new() { ["Kind"] = "reset", ["Action"] = $"/admin/reset/{token}" },
                StatusCodes.Status400BadRequest, text.Error(result.Error));
    }

    private static async Task<IResult> InvitationForm(HttpContext context, string token, StaffService staff, CancellationToken ct)
    {
        var invitation = await staff.FindInvitationAsync(token, ct);
        var text = AdminText.For(invitation?.Language ?? AdminPage.LanguageOf(context));
        return invitation is null
            ? InvalidLink(context, text)
            : AdminPage.Render<AccountPage>(context, text.InvitationTitle, new()
            {
                ["Kind"] = "invitation", ["Action"] = $"/admin/invitation/{token}",
                ["Intro"] = text.Format(text.InvitationIntro, text.RoleName(invitation.Role), invitation.Email),
            }, language: invitation.Language);
    }

    private static async Task<IResult> AcceptInvitation(HttpContext context, string token, StaffService staff, CancellationToken ct)
    {
        var invitation = await staff.FindInvitationAsync(token, ct);
        var form = await AdminPage.FormAsync(context);
        var result = await staff.AcceptInvitationAsync(token, form["name"], form["password"], ct);
        var text = AdminText.For(invitation?.Language ?? AdminPage.LanguageOf(context));
        if (result.Succeeded)
        {
            await AdminAuth.SignInAsync(context, result.Member!);
            return TypedResults.Redirect("/admin");
        }

        return invitation is null || result.Error == StaffError.InvalidLink
            ? InvalidLink(context, text)
            : AdminPage.Render<AccountPage>(context, text.InvitationTitle, new()
            {
                ["Kind"] = "invitation", ["Action"] = $"/admin/invitation/{token}", ["Name"] = Limit(form["name"], StaffService.MaxNameLength),
                ["Intro"] = text.Format(text.InvitationIntro, text.RoleName(invitation.Role), invitation.Email),
            }, StatusCodes.Status400BadRequest, text.Error(result.Error), language: invitation.Language);
    }

    private static async Task<IResult> SignOut(HttpContext context)
    {
        await AdminAuth.SignOutAsync(context);
        return TypedResults.Redirect("/admin/login");
    }

    // --- Signed in ----------------------------------------------------------------------------------------

    private static async Task<IResult> Dashboard(HttpContext context, DashboardQueries queries, CancellationToken ct)
    {
        var data = await queries.LoadAsync(ct);
        return AdminPage.Render<DashboardPage>(context, AdminText.For(context.Member().Language).Dashboard,
            new() { ["Figures"] = data.Figures, ["Charts"] = data.Charts });
    }

    [SuppressMessage("Performance", "CA1859", Justification = RouteHandlers.ReturnsIResult)]
    private static IResult Account(HttpContext context, StaffService staff, string? notice) => AccountView(context, staff, notice, error: null);

    private static RazorComponentResult<YourAccountPage> AccountView(HttpContext context, StaffService staff, string? notice, string? error, int status = StatusCodes.Status200OK)
    {
        var me = context.Member();
        var text = AdminText.For(me.Language);
        var secret = StaffService.NewTotpSecret();
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(staff.TotpUri(me, secret), QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return AdminPage.Render<YourAccountPage>(context, text.Account, new() { ["Secret"] = secret, ["QrSvg"] = svg }, status, error,
            notice switch
            {
                "saved" => text.LanguageSaved,
                "2fa-on" => text.TwoFactorEnabled,
                "2fa-off" => text.TwoFactorDisabled,
                _ => null,
            });
    }

    private static async Task<IResult> SaveLanguage(HttpContext context, StaffService staff, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        await staff.SetLanguageAsync(context.Member().Id, LanguageField(form, context.Member().Language), ct);
        return AdminPage.Done("/admin/account", "saved");
    }

    private static async Task<IResult> EnableTwoFactor(HttpContext context, StaffService staff, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var result = await staff.EnableTwoFactorAsync(context.Member().Id, form["secret"], form["code"], ct);
        if (!result.Succeeded)
        {
            return AccountView(context, staff, null, AdminText.For(context.Member().Language).Error(result.Error), StatusCodes.Status400BadRequest);
        }

        // The stamp changed (older sessions end); this one carries on with the new stamp.
        await AdminAuth.SignInAsync(context, result.Member!);
        return AdminPage.Done("/admin/account", "2fa-on");
    }

    [SuppressMessage("Performance", "CA1859", Justification = RouteHandlers.ReturnsIResult)]
    private static IResult DisableTwoFactorConfirm(HttpContext context)
    {
        var text = AdminText.For(context.Member().Language);
        return AdminPage.Render<AdminConfirmPage>(context, text.DisableTwoFactor, new()
        {
            ["Question"] = text.DisableTwoFactorConfirm, ["Action"] = "/admin/account/2fa/off", ["Button"] = text.DisableTwoFactor, ["Back"] = "/admin/account",
        });
    }

    private static async Task<IResult> DisableTwoFactor(HttpContext context, StaffService staff, CancellationToken ct)
    {
        var result = await staff.DisableTwoFactorAsync(context.Member().Id, ct);
        await AdminAuth.SignInAsync(context, result.Member!);
        return AdminPage.Done("/admin/account", "2fa-off");
    }

    // --- Staff (administrators and the owner) ------------------------------------------------------------

    private static async Task<IResult> StaffList(HttpContext context, BroadsheetDb db, string? notice, CancellationToken ct) =>
        await StaffView(context, db, notice, error: null, inviteEmail: null, StatusCodes.Status200OK, ct);

    private static async Task<IResult> StaffView(HttpContext context, BroadsheetDb db, string? notice, string? error, string? inviteEmail, int status, CancellationToken ct)
    {
        var text = AdminText.For(context.Member().Language);
        var members = await db.StaffMembers.AsNoTracking().OrderByDescending(m => m.Role).ThenBy(m => m.Name).ToListAsync(ct);
        return AdminPage.Render<StaffPage>(context, text.Staff, new() { ["Members"] = members, ["InviteEmail"] = inviteEmail }, status, error,
            notice switch
            {
                "invited" => text.Invited,
                "role" => text.RoleChanged,
                "removed" => text.Removed,
                _ => null,
            });
    }

    private static async Task<IResult> Invite(HttpContext context, StaffService staff, BroadsheetDb db, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var me = context.Member();
        if (!Enum.TryParse<StaffRole>(form["role"], out var role) || !Enum.IsDefined(role))
        {
            return await StaffView(context, db, null, AdminText.For(me.Language).Error(StaffError.Forbidden), Limit(form["email"], 254), StatusCodes.Status400BadRequest, ct);
        }

        var result = await staff.InviteAsync(me, form["email"], role, LanguageField(form, me.Language), ct);
        if (result.Error == StaffError.Forbidden)
        {
            return AdminPage.Forbidden(context);
        }

        return result.Succeeded
            ? AdminPage.Done("/admin/staff", "invited")
            : await StaffView(context, db, null, AdminText.For(me.Language).Error(result.Error), Limit(form["email"], 254), StatusCodes.Status400BadRequest, ct);
    }

    private static async Task<IResult> ChangeRole(HttpContext context, int id, StaffService staff, BroadsheetDb db, CancellationToken ct)
    {
        var form = await AdminPage.FormAsync(context);
        var me = context.Member();
        if (!Enum.TryParse<StaffRole>(form["role"], out var role) || !Enum.IsDefined(role))
        {
            return AdminPage.Forbidden(context);
        }

        var result = await staff.ChangeRoleAsync(me, id, role, ct);
        return result.Error switch
        {
            StaffError.None => AdminPage.Done("/admin/staff", "role"),
            StaffError.Forbidden => AdminPage.Forbidden(context),
            StaffError.NotFound => AdminPage.NotFound(context),
            _ => await StaffView(context, db, null, AdminText.For(me.Language).Error(result.Error), null, StatusCodes.Status400BadRequest, ct),
        };
    }

    private static async Task<IResult> RemoveConfirm(HttpContext context, int id, StaffService staff, CancellationToken ct)
    {
        var me = context.Member();
        var member = await staff.FindAsync(id, ct);
        if (member is null)
        {
            return AdminPage.NotFound(context);
        }

        if (member.Id == me.Id || !StaffPermissions.CanAssign(me.Role, member.Role))
        {
            return AdminPage.Forbidden(context);
        }

        var text = AdminText.For(me.Language);
        return AdminPage.Render<AdminConfirmPage>(context, text.Remove, new()
        {
            ["Question"] = text.Format(text.RemoveConfirm, member.Name), ["Action"] = $"/admin/staff/{id}/remove", ["Button"] = text.Remove, ["Back"] = "/admin/staff",
        });
    }

    private static async Task<IResult> Remove(HttpContext context, int id, StaffService staff, BroadsheetDb db, CancellationToken ct)
    {
        var result = await staff.RemoveAsync(context.Member(), id, ct);
        return result.Error switch
        {
            StaffError.None => AdminPage.Done("/admin/staff", "removed"),
            StaffError.NotFound => AdminPage.NotFound(context),
            StaffError.Forbidden or StaffError.CannotChangeSelf => AdminPage.Forbidden(context),
            _ => await StaffView(context, db, null, AdminText.For(context.Member().Language).Error(result.Error), null, StatusCodes.Status400BadRequest, ct),
        };
    }

    // --- Helpers ------------------------------------------------------------------------------------------

    private static RazorComponentResult<AdminMessagePage> InvalidLink(HttpContext context, AdminText text) =>
        AdminPage.Render<AdminMessagePage>(context, text.LinkInvalid, new()
        {
            ["Body"] = text.LinkInvalid, ["Link"] = "/admin/forgot?lang=" + text.Language, ["LinkText"] = text.ForgotPassword,
        }, StatusCodes.Status400BadRequest, language: text.Language);

    /// <summary>Only a path inside the admin, so the sign-in form cannot be used to send someone elsewhere.</summary>
    private static string LocalReturn(string? value) =>
        value is { Length: > 6 and < 500 } && value.StartsWith("/admin", StringComparison.Ordinal) && !value.StartsWith("//", StringComparison.Ordinal)
            && !value.Contains('\\', StringComparison.Ordinal) && !value.StartsWith("/admin/login", StringComparison.Ordinal)
            ? value
            : "/admin";

    private static string LanguageField(IFormCollection form, string fallback, string field = "language") =>
        Broadsheet.Language.IsSupported(form[field].ToString()) ? form[field].ToString() : fallback;

    private static string? Limit(Microsoft.Extensions.Primitives.StringValues value, int length) =>
        value.ToString() is { Length: > 0 } text && text.Length <= length ? text : null;

    private static string Time(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
