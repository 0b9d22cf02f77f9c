using System.Net;
using Broadsheet.Data;
using Broadsheet.Staff;
using Broadsheet.Tests.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Admin;

/// <summary>The admin's front door through the real host: set-up, signing in, lockout, tokens, roles, headers.</summary>
public sealed class AdminAccountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_fresh_install_leads_to_owner_set_up_and_then_never_again(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var browser = AdminClient.Anonymous(site);

        using var dashboard = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        using var login = await browser.GetAsync(dashboard.Headers.Location!.OriginalString);
        Assert.Equal("/admin/setup", login.Headers.Location!.OriginalString);
        var setup = await browser.GetStringAsync("/admin/setup");
        Assert.Contains("Set up your newsroom", setup, StringComparison.Ordinal);

        using var refused = await browser.PostFormAsync("/admin/setup", Form(("name", "Rana"), ("email", "rana@newsroom.example"), ("password", "short")), "/admin/setup");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("at least 10 characters", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var made = await browser.PostFormAsync("/admin/setup",
            Form(("name", "Rana Haddad"), ("email", "rana@newsroom.example"), ("password", AdminClient.Password), ("language", "ar")), "/admin/setup");
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var home = await browser.GetStringAsync("/admin");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", home, StringComparison.Ordinal);
        Assert.Contains("Rana Haddad", home, StringComparison.Ordinal);

        // Set-up is gone once an account exists, for anyone.
        using var stranger = AdminClient.Anonymous(site);
        using var again = await stranger.GetAsync("/admin/setup");
        Assert.Equal("/admin/login", again.Headers.Location!.OriginalString);
        using var replay = await stranger.PostFormAsync("/admin/setup",
            Form(("name", "Mallory"), ("email", "mallory@example.org"), ("password", AdminClient.Password)), "/admin/login");
        Assert.Equal("/admin/login", replay.Headers.Location!.OriginalString);
        Assert.Equal(1, await Count(site, db => db.StaffMembers.CountAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Sign_in_locks_out_after_repeated_failures_and_says_so(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await AdminClient.CreateMemberAsync(scope.ServiceProvider, StaffRole.Owner, "rana@newsroom.example");
        }

        using var browser = AdminClient.Anonymous(site);
        for (var i = 1; i < StaffService.MaxFailedSignIns; i++)
        {
            using var wrong = await browser.PostFormAsync("/admin/login", Form(("email", "rana@newsroom.example"), ("password", "not the password")));
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("do not match an account", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var locking = await browser.PostFormAsync("/admin/login", Form(("email", "rana@newsroom.example"), ("password", "not the password")));
        Assert.Contains("locked until", await locking.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var right = await browser.PostFormAsync("/admin/login", Form(("email", "rana@newsroom.example"), ("password", AdminClient.Password)));
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        using var still = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, still.StatusCode);

        // An unknown address gets the same words as a wrong password.
        using var unknown = await browser.PostFormAsync("/admin/login", Form(("email", "nobody@newsroom.example"), ("password", AdminClient.Password)));
        Assert.Contains("do not match an account", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_form_without_its_token_is_refused_and_changes_nothing(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);

        using var forged = await owner.PostFormAsync("/admin/staff/invite", Form(("email", "omar@newsroom.example"), ("role", "Editor")), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("The form expired", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, await Count(site, db => db.StaffInvitations.CountAsync(Ct)));

        // A token from another session is no better.
        using var other = await AdminClient.SignInAsync(site, StaffRole.Administrator);
        var othersToken = await other.TokenAsync();
        using var crossed = await owner.PostFormAsync("/admin/staff/invite",
            Form(("email", "omar@newsroom.example"), ("role", "Editor"), ("__bs_token", othersToken)), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);

        using var signOut = await owner.PostFormAsync("/admin/logout", [], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        using var stillIn = await owner.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Staff_pages_are_forbidden_below_administrator(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        var target = await Count(site, db => db.StaffMembers.Select(m => m.Id).SingleAsync(Ct));
        foreach (var role in new[] { StaffRole.Contributor, StaffRole.Author, StaffRole.Editor })
        {
            using var client = await AdminClient.SignInAsync(site, role);
            using var list = await client.GetAsync("/admin/staff");
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            Assert.Contains("Your role does not allow this", await list.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            using var invite = await client.PostFormAsync("/admin/staff/invite", Form(("email", $"x-{role}@newsroom.example"), ("role", "Contributor")));
            Assert.Equal(HttpStatusCode.Forbidden, invite.StatusCode);
            using var change = await client.PostFormAsync($"/admin/staff/{target}/role", Form(("role", "Contributor")));
            Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
            using var confirm = await client.GetAsync($"/admin/staff/{target}/remove");
            Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
            using var remove = await client.PostFormAsync($"/admin/staff/{target}/remove", []);
            Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
            var html = await client.GetStringAsync("/admin");
            Assert.DoesNotContain("href=\"/admin/staff\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(0, await Count(site, db => db.StaffInvitations.CountAsync(Ct)));
        Assert.Equal(StaffRole.Owner, await Count(site, db => db.StaffMembers.Where(m => m.Id == target).Select(m => m.Role).SingleAsync(Ct)));

        // An administrator cannot touch the owner either, nor make another administrator.
        using var admin = await AdminClient.SignInAsync(site, StaffRole.Administrator);
        using var demote = await admin.PostFormAsync($"/admin/staff/{target}/role", Form(("role", "Editor")));
        Assert.Equal(HttpStatusCode.Forbidden, demote.StatusCode);
        using var promote = await admin.PostFormAsync("/admin/staff/invite", Form(("email", "peer@newsroom.example"), ("role", "Administrator")));
        Assert.Equal(HttpStatusCode.Forbidden, promote.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Invitation_from_the_staff_page_to_a_signed_in_editor_and_removal_after_a_confirmation(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        using var invited = await owner.PostFormAsync("/admin/staff/invite", Form(("email", "omar@newsroom.example"), ("role", "Editor"), ("language", "ar")));
        Assert.Equal("/admin/staff?notice=invited", invited.Headers.Location!.OriginalString);
        Assert.Contains("The invitation is on its way.", await owner.GetStringAsync("/admin/staff?notice=invited"), StringComparison.Ordinal);

        var mail = Assert.Single(Outbox.Messages(site.Environment));
        var token = StaffServiceTests.InvitationToken(mail.TextBody ?? "");
        using var newcomer = AdminClient.Anonymous(site);
        var page = await newcomer.GetStringAsync($"/admin/invitation/{token}");
        Assert.Contains("dir=\"rtl\"", page, StringComparison.Ordinal);
        using var joined = await newcomer.PostFormAsync($"/admin/invitation/{token}",
            Form(("name", "Omar Khalil"), ("password", AdminClient.Password)), $"/admin/invitation/{token}");
        Assert.Equal("/admin", joined.Headers.Location!.OriginalString);
        Assert.Contains("Omar Khalil", await newcomer.GetStringAsync("/admin"), StringComparison.Ordinal);

        var omar = await Count(site, db => db.StaffMembers.SingleAsync(m => m.Email == "omar@newsroom.example", Ct));
        Assert.Equal(StaffRole.Editor, omar.Role);
        var question = await owner.GetStringAsync($"/admin/staff/{omar.Id}/remove");
        Assert.Contains("Remove Omar Khalil", question, StringComparison.Ordinal);
        Assert.Equal(1, await Count(site, db => db.StaffMembers.CountAsync(m => m.Id == omar.Id, Ct)));
        using var removed = await owner.PostFormAsync($"/admin/staff/{omar.Id}/remove", []);
        Assert.Equal("/admin/staff?notice=removed", removed.Headers.Location!.OriginalString);
        Assert.Equal(0, await Count(site, db => db.StaffMembers.CountAsync(m => m.Id == omar.Id, Ct)));

        // The removed colleague's session ends at their next request.
        using var after = await newcomer.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Admin_pages_are_never_cached_indexed_or_framed()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        using var owner = await AdminClient.SignInAsync(site, StaffRole.Owner);
        foreach (var path in new[] { "/admin", "/admin/staff", "/admin/account", "/admin/nowhere" })
        {
            using var response = await owner.GetAsync(path);
            Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            Assert.Equal("noindex, nofollow", response.Headers.GetValues("X-Robots-Tag").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("<meta name=\"robots\" content=\"noindex, nofollow\">", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var anonymous = AdminClient.Anonymous(site);
        Assert.Contains("Disallow: /admin", await anonymous.GetStringAsync("/robots.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_reset_by_mail_from_the_sign_in_page()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, demoContent: false);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await AdminClient.CreateMemberAsync(scope.ServiceProvider, StaffRole.Owner, "rana@newsroom.example");
        }

        using var browser = AdminClient.Anonymous(site);
        using var known = await browser.PostFormAsync("/admin/forgot", Form(("email", "rana@newsroom.example")), "/admin/forgot");
        using var unknown = await browser.PostFormAsync("/admin/forgot", Form(("email", "nobody@newsroom.example")), "/admin/forgot");
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(
            (await known.Content.ReadAsStringAsync(Ct)).Length,
            (await unknown.Content.ReadAsStringAsync(Ct)).Length);

        var token = StaffServiceTests.ResetToken(Assert.Single(Outbox.Messages(site.Environment)).TextBody ?? "");
        using var reset = await browser.PostFormAsync($"/admin/reset/{token}", Form(("password", "a brand new password")), $"/admin/reset/{token}");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        using var used = await browser.GetAsync($"/admin/reset/{token}");
        Assert.Equal(HttpStatusCode.BadRequest, used.StatusCode);
        using var signedIn = await browser.PostFormAsync("/admin/login", Form(("email", "rana@newsroom.example"), ("password", "a brand new password")));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    private static async Task<T> Count<T>(TestSite site, Func<BroadsheetDb, Task<T>> query)
    {
        await using var scope = site.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<BroadsheetDb>());
    }
}
