using System.Globalization;
using System.Security.Claims;
using Broadsheet.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Broadsheet.Web.Admin;

/// <summary>
/// Signing in to the admin: a cookie that names the staff member and their security stamp, checked against the
/// database on every request (so a removed account, a changed role or password, or two-factor turned on ends older
/// sessions at once), and authorization policies by role.
/// </summary>
internal static class AdminAuth
{
    public const string Scheme = "broadsheet-admin";

    /// <summary>Between a right password and a right TOTP code: knows who, proves nothing yet; five minutes.</summary>
    public const string SecondFactorScheme = "broadsheet-admin-2fa";

    /// <summary>Any signed-in staff member.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>Editors and above: subscribers, newsletters, the outbox.</summary>
    public const string NewslettersPolicy = "newsletters";

    /// <summary>Administrators and above: staff and settings.</summary>
    public const string ManagersPolicy = "managers";

    private const string StampClaim = "stamp";
    private const string MemberItem = "broadsheet.staff";

    public static void AddAdmin(this IServiceCollection services, BroadsheetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        services.AddScoped<DashboardQueries>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "bs_admin_af";
            o.Cookie.Path = "/admin";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = AdminPage.AntiforgeryField;
        });
        services.AddAuthentication(Scheme)
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "bs_admin";
                o.Cookie.Path = "/admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.LoginPath = "/admin/login";
                o.AccessDeniedPath = "/admin/forbidden";
                o.Events.OnValidatePrincipal = ValidateAsync;
                o.Events.OnRedirectToAccessDenied = context => AdminPage.ForbiddenAsync(context.HttpContext);
                o.Events.OnRedirectToLogin = context =>
                {
                    // A page is sent to the sign-in form and back; a form post or script gets a plain 401.
                    if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                    {
                        context.Response.Redirect("/admin/login?return=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
                    }
                    else
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }

                    return Task.CompletedTask;
                };
            })
            .AddCookie(SecondFactorScheme, o =>
            {
                o.Cookie.Name = "bs_admin_2fa";
                o.Cookie.Path = "/admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser())
            .AddPolicy(NewslettersPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAssertion(c => Allowed(c, StaffPermissions.CanRunNewsletters)))
            .AddPolicy(ManagersPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAssertion(c => Allowed(c, StaffPermissions.CanManageStaff)));

        // Sign-in cookies and form tokens are sealed with these keys: kept in the database, so a restart signs nobody
        // out and a sign-in made on one instance is accepted by every other; sealed under the privacy master key, so
        // a copy of the database alone cannot forge them. Last, after everything above that registers the framework's
        // data protection (antiforgery, cookies), so the start-up read it would add again stays out.
        services.AddSharedKeyRing();
    }

    /// <summary>The signed-in staff member, loaded once per request by the cookie check.</summary>
    public static StaffMember Member(this HttpContext context) =>
        context.Items[MemberItem] as StaffMember ?? throw new InvalidOperationException("No staff member is signed in on this request.");

    public static StaffMember? MemberOrNull(this HttpContext context) => context.Items[MemberItem] as StaffMember;

    public static Task SignInAsync(HttpContext context, StaffMember member)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, member.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(StampClaim, member.SecurityStamp.ToString("N")),
            ], Scheme);
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
    }

    public static Task SignInSecondFactorPendingAsync(HttpContext context, StaffMember member) =>
        context.SignInAsync(SecondFactorScheme, new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, member.Id.ToString(CultureInfo.InvariantCulture))], SecondFactorScheme)));

    /// <summary>Who passed the password step and now owes a code, or null.</summary>
    public static async Task<int?> SecondFactorPendingAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(SecondFactorScheme);
        return result.Succeeded && int.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public static async Task SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(Scheme);
        await context.SignOutAsync(SecondFactorScheme);
    }

    private static bool Allowed(AuthorizationHandlerContext context, Func<StaffRole, bool> rule) =>
        context.Resource is HttpContext http && http.MemberOrNull() is { } member && rule(member.Role);

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is null || !int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id))
        {
            context.RejectPrincipal();
            return;
        }

        var staff = context.HttpContext.RequestServices.GetRequiredService<StaffService>();
        var member = await staff.FindAsync(id, context.HttpContext.RequestAborted);
        if (member is null || member.SecurityStamp.ToString("N") != principal.FindFirstValue(StampClaim))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        context.HttpContext.Items[MemberItem] = member;
    }
}
