using System.Text.RegularExpressions;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Staff;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Broadsheet.Tests.Staff;

public sealed partial class StaffServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Password = "a long enough password";

    private static async Task<(TestServices Services, ScriptedTransport Mail)> CreateAsync(DatabaseProvider provider)
    {
        var mail = new ScriptedTransport();
        var services = await TestServices.CreateAsync(provider, new Dictionary<string, string?>(), s => s.AddSingleton<IMailTransport>(mail));
        return (services, mail);
    }

    private static Task<T> WithStaffAsync<T>(TestServices services, Func<StaffService, Task<T>> work) =>
        services.InScopeAsync(sp => work(sp.GetRequiredService<StaffService>()));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task The_owner_is_set_up_once_and_only_with_valid_details(DatabaseProvider provider)
    {
        var (services, _) = await CreateAsync(provider);
        await using var _ = services;

        Assert.Equal(StaffError.PasswordTooShort, (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", "short", "en", Ct))).Error);
        Assert.Equal(StaffError.InvalidEmail, (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "not an address", Password, "en", Ct))).Error);
        Assert.Equal(StaffError.NameRequired, (await WithStaffAsync(services, s => s.SetUpOwnerAsync(" ", "rana@newsroom.example", Password, "en", Ct))).Error);
        Assert.Equal(StaffError.PasswordIsEmail, (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", "Rana@Newsroom.example", "en", Ct))).Error);
        Assert.False(await WithStaffAsync(services, s => s.AnyAsync(Ct)));

        var owner = await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana Haddad", "Rana@Newsroom.Example", Password, "ar", Ct));
        Assert.True(owner.Succeeded);
        Assert.Equal(StaffRole.Owner, owner.Member!.Role);
        Assert.Equal("rana@newsroom.example", owner.Member.Email);
        Assert.Equal("ar", owner.Member.Language);
        Assert.DoesNotContain(Password, owner.Member.PasswordHash, StringComparison.Ordinal);

        var again = await WithStaffAsync(services, s => s.SetUpOwnerAsync("Someone Else", "else@newsroom.example", Password, "en", Ct));
        Assert.Equal(StaffError.SetupAlreadyDone, again.Error);
        Assert.Equal(1, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().StaffMembers.CountAsync(Ct)));
    }

    // Two set-up forms at once: the database's unique owner index lets one through.
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Concurrent_set_ups_make_one_owner(DatabaseProvider provider)
    {
        var (services, _) = await CreateAsync(provider);
        await using var _ = services;
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            WithStaffAsync(services, s => s.SetUpOwnerAsync($"Owner {i}", $"owner{i}@newsroom.example", Password, "en", Ct))));
        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(StaffError.SetupAlreadyDone, r.Error));
        Assert.Equal(1, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().StaffMembers.CountAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Repeated_failures_lock_the_account_even_against_the_right_password_until_it_expires(DatabaseProvider provider)
    {
        var (services, _) = await CreateAsync(provider);
        await using var _ = services;
        await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct));

        Assert.Equal(SignInStatus.Succeeded, (await WithStaffAsync(services, s => s.SignInAsync("RANA@newsroom.example", Password, Ct))).Status);
        Assert.Equal(SignInStatus.Invalid, (await WithStaffAsync(services, s => s.SignInAsync("nobody@newsroom.example", Password, Ct))).Status);
        for (var i = 1; i < StaffService.MaxFailedSignIns; i++)
        {
            Assert.Equal(SignInStatus.Invalid, (await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", "wrong password!", Ct))).Status);
        }

        var locked = await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", "wrong password!", Ct));
        Assert.Equal(SignInStatus.LockedOut, locked.Status);
        Assert.Equal(services.Clock.GetUtcNow().UtcDateTime + StaffService.LockoutDuration, locked.LockedUntil);
        Assert.Equal(SignInStatus.LockedOut, (await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", Password, Ct))).Status);

        services.Clock.Advance(StaffService.LockoutDuration + TimeSpan.FromSeconds(1));
        var after = await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", Password, Ct));
        Assert.Equal(SignInStatus.Succeeded, after.Status);
        Assert.Equal(0, after.Member!.FailedSignIns);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Two_factor_needs_a_fresh_code_after_the_password(DatabaseProvider provider)
    {
        var (services, _) = await CreateAsync(provider);
        await using var _ = services;
        var owner = (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct))).Member!;
        var secret = StaffService.NewTotpSecret();
        var totp = new Totp(Base32Encoding.ToBytes(secret));

        Assert.Equal(StaffError.InvalidCode, (await WithStaffAsync(services, s => s.EnableTwoFactorAsync(owner.Id, secret, "000000", Ct))).Error);
        var enabled = await WithStaffAsync(services, s => s.EnableTwoFactorAsync(owner.Id, secret, totp.ComputeTotp(services.Clock.GetUtcNow().UtcDateTime), Ct));
        Assert.True(enabled.Succeeded);
        Assert.NotEqual(owner.SecurityStamp, enabled.Member!.SecurityStamp);
        Assert.DoesNotContain(secret, Convert.ToBase64String(enabled.Member.TotpSecretEncrypted!), StringComparison.Ordinal);

        var first = await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", Password, Ct));
        Assert.Equal(SignInStatus.NeedsSecondFactor, first.Status);

        // The code that turned two-factor on cannot be used again; the next one works, once.
        var used = totp.ComputeTotp(services.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(SignInStatus.Invalid, (await WithStaffAsync(services, s => s.VerifySecondFactorAsync(owner.Id, used, Ct))).Status);
        services.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = totp.ComputeTotp(services.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(SignInStatus.Succeeded, (await WithStaffAsync(services, s => s.VerifySecondFactorAsync(owner.Id, next, Ct))).Status);
        Assert.Equal(SignInStatus.Invalid, (await WithStaffAsync(services, s => s.VerifySecondFactorAsync(owner.Id, next, Ct))).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task An_invitation_mail_makes_one_account_with_the_role_given(DatabaseProvider provider)
    {
        var (services, mail) = await CreateAsync(provider);
        await using var _ = services;
        var owner = (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct))).Member!;

        var invited = await WithStaffAsync(services, s => s.InviteAsync(owner, "Omar@Newsroom.example", StaffRole.Editor, "ar", Ct));
        Assert.True(invited.Succeeded);
        var message = Assert.Single(mail.Calls);
        Assert.Equal("omar@newsroom.example", message.Recipient.Address);
        Assert.Contains("محرر", message.Mime.TextBody, StringComparison.Ordinal);
        var token = InvitationToken(message.Mime.TextBody!);

        Assert.Equal(StaffError.PasswordTooShort, (await WithStaffAsync(services, s => s.AcceptInvitationAsync(token, "Omar", "short", Ct))).Error);
        var joined = await WithStaffAsync(services, s => s.AcceptInvitationAsync(token, "Omar Khalil", Password, Ct));
        Assert.True(joined.Succeeded);
        Assert.Equal(StaffRole.Editor, joined.Member!.Role);
        Assert.Equal("ar", joined.Member.Language);
        Assert.Equal(StaffError.InvalidLink, (await WithStaffAsync(services, s => s.AcceptInvitationAsync(token, "Again", Password, Ct))).Error);
        Assert.Equal(StaffError.InvalidLink, (await WithStaffAsync(services, s => s.AcceptInvitationAsync(token[..^2] + "AA", "Forged", Password, Ct))).Error);
        Assert.Equal(SignInStatus.Succeeded, (await WithStaffAsync(services, s => s.SignInAsync("omar@newsroom.example", Password, Ct))).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Invitations_expire_after_seven_days(DatabaseProvider provider)
    {
        var (services, mail) = await CreateAsync(provider);
        await using var _ = services;
        var owner = (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct))).Member!;
        await WithStaffAsync(services, s => s.InviteAsync(owner, "late@newsroom.example", StaffRole.Author, "en", Ct));
        var token = InvitationToken(Assert.Single(mail.Calls).Mime.TextBody!);

        services.Clock.Advance(StaffService.InvitationLifetime + TimeSpan.FromMinutes(1));
        Assert.Equal(StaffError.InvalidLink, (await WithStaffAsync(services, s => s.AcceptInvitationAsync(token, "Late", Password, Ct))).Error);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Only_roles_below_the_inviters_own_can_be_given(DatabaseProvider provider)
    {
        var (services, mail) = await CreateAsync(provider);
        await using var _ = services;
        await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct));
        await using var scope = services.Scope();
        var admin = await AdminClient.CreateMemberAsync(scope.ServiceProvider, StaffRole.Administrator, "admin@newsroom.example");
        var editor = await AdminClient.CreateMemberAsync(scope.ServiceProvider, StaffRole.Editor, "editor@newsroom.example");

        Assert.Equal(StaffError.Forbidden, (await WithStaffAsync(services, s => s.InviteAsync(editor, "a@newsroom.example", StaffRole.Author, "en", Ct))).Error);
        Assert.Equal(StaffError.Forbidden, (await WithStaffAsync(services, s => s.InviteAsync(admin, "b@newsroom.example", StaffRole.Administrator, "en", Ct))).Error);
        Assert.Equal(StaffError.Forbidden, (await WithStaffAsync(services, s => s.InviteAsync(admin, "c@newsroom.example", StaffRole.Owner, "en", Ct))).Error);
        Assert.Equal(StaffError.EmailTaken, (await WithStaffAsync(services, s => s.InviteAsync(admin, "Editor@newsroom.example", StaffRole.Author, "en", Ct))).Error);
        Assert.Empty(mail.Calls);
        Assert.True((await WithStaffAsync(services, s => s.InviteAsync(admin, "d@newsroom.example", StaffRole.Editor, "en", Ct))).Succeeded);

        // Role changes and removals follow the same rule, and nobody changes their own account here.
        Assert.Equal(StaffError.Forbidden, (await WithStaffAsync(services, s => s.ChangeRoleAsync(editor, admin.Id, StaffRole.Author, Ct))).Error);
        Assert.Equal(StaffError.Forbidden, (await WithStaffAsync(services, s => s.ChangeRoleAsync(admin, editor.Id, StaffRole.Administrator, Ct))).Error);
        Assert.Equal(StaffError.CannotChangeSelf, (await WithStaffAsync(services, s => s.ChangeRoleAsync(admin, admin.Id, StaffRole.Editor, Ct))).Error);
        Assert.True((await WithStaffAsync(services, s => s.ChangeRoleAsync(admin, editor.Id, StaffRole.Author, Ct))).Succeeded);
        Assert.Equal(StaffError.Forbidden, (await WithStaffAsync(services, s => s.RemoveAsync(editor, admin.Id, Ct))).Error);
        Assert.True((await WithStaffAsync(services, s => s.RemoveAsync(admin, editor.Id, Ct))).Succeeded);
        Assert.Null(await WithStaffAsync(services, s => s.FindAsync(editor.Id, Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_failed_invitation_mail_withdraws_the_invitation(DatabaseProvider provider)
    {
        var (services, mail) = await CreateAsync(provider);
        await using var _ = services;
        var owner = (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct))).Member!;
        mail.Answer = _ => new TransportResult(TransportOutcome.Deferred, "451 try later", 451);

        Assert.Equal(StaffError.MailFailed, (await WithStaffAsync(services, s => s.InviteAsync(owner, "omar@newsroom.example", StaffRole.Editor, "en", Ct))).Error);
        Assert.Equal(0, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().StaffInvitations.CountAsync(Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_reset_link_works_once_within_the_hour_and_unknown_addresses_get_no_mail(DatabaseProvider provider)
    {
        var (services, mail) = await CreateAsync(provider);
        await using var _ = services;
        await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct));

        await services.InScopeAsync(async sp => { await sp.GetRequiredService<StaffService>().RequestPasswordResetAsync("nobody@newsroom.example", Ct); return 0; });
        Assert.Empty(mail.Calls);
        await services.InScopeAsync(async sp => { await sp.GetRequiredService<StaffService>().RequestPasswordResetAsync("rana@newsroom.example", Ct); return 0; });
        var token = ResetToken(Assert.Single(mail.Calls).Mime.TextBody!);

        Assert.Equal(StaffError.PasswordTooShort, (await WithStaffAsync(services, s => s.ResetPasswordAsync(token, "short", Ct))).Error);
        Assert.True((await WithStaffAsync(services, s => s.ResetPasswordAsync(token, "a brand new password", Ct))).Succeeded);
        Assert.Equal(StaffError.InvalidLink, (await WithStaffAsync(services, s => s.ResetPasswordAsync(token, "yet another password", Ct))).Error);
        Assert.Equal(SignInStatus.Invalid, (await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", Password, Ct))).Status);
        Assert.Equal(SignInStatus.Succeeded, (await WithStaffAsync(services, s => s.SignInAsync("rana@newsroom.example", "a brand new password", Ct))).Status);

        await services.InScopeAsync(async sp => { await sp.GetRequiredService<StaffService>().RequestPasswordResetAsync("rana@newsroom.example", Ct); return 0; });
        var late = ResetToken(mail.Calls[^1].Mime.TextBody!);
        services.Clock.Advance(StaffService.ResetLifetime + TimeSpan.FromMinutes(1));
        Assert.Equal(StaffError.InvalidLink, (await WithStaffAsync(services, s => s.ResetPasswordAsync(late, "too late password", Ct))).Error);
    }

    // The foreign keys added to posts (on SQLite in place, not by a table rebuild) keep a removed colleague's posts.
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Removing_a_colleague_keeps_their_posts_and_images(DatabaseProvider provider)
    {
        var (services, _) = await CreateAsync(provider);
        await using var _ = services;
        var owner = (await WithStaffAsync(services, s => s.SetUpOwnerAsync("Rana", "rana@newsroom.example", Password, "en", Ct))).Member!;
        await using var scope = services.Scope();
        var writer = await AdminClient.CreateMemberAsync(scope.ServiceProvider, StaffRole.Author, "writer@newsroom.example");
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var media = new Broadsheet.Publishing.MediaItem { Key = new string('a', 32), Extension = "jpg", Width = 480, Height = 270, Widths = "480", Alt = "A map", UploadedById = writer.Id, CreatedAt = DateTime.UtcNow };
        db.Media.Add(media);
        await db.SaveChangesAsync(Ct);
        var post = await scope.ServiceProvider.GetRequiredService<Broadsheet.Publishing.PostService>().CreateAsync(new Broadsheet.Publishing.PostInput
        {
            Kind = Broadsheet.Publishing.PostKind.Design, Language = "en", Title = "A map of the wells", CreatedById = writer.Id, CoverMediaId = media.Id, CoverImageAlt = "A map",
        }, Ct);

        Assert.True((await WithStaffAsync(services, s => s.RemoveAsync(owner, writer.Id, Ct))).Succeeded);
        await using var after = services.Scope();
        var read = after.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var kept = await read.Posts.AsNoTracking().SingleAsync(p => p.Id == post.Id, Ct);
        Assert.Null(kept.CreatedById);
        Assert.Equal(media.Id, kept.CoverMediaId);
        Assert.Null((await read.Media.AsNoTracking().SingleAsync(m => m.Id == media.Id, Ct)).UploadedById);

        // And an image that is gone leaves the post without a cover rather than pointing nowhere.
        await read.Media.Where(m => m.Id == media.Id).ExecuteDeleteAsync(Ct);
        Assert.Null((await read.Posts.AsNoTracking().SingleAsync(p => p.Id == post.Id, Ct)).CoverMediaId);
    }

    internal static string InvitationToken(string text) => Link().Match(text) is { Success: true } m && m.Groups[1].Value == "invitation"
        ? m.Groups[2].Value
        : throw new InvalidOperationException("No invitation link in the mail.");

    internal static string ResetToken(string text) => Link().Match(text) is { Success: true } m && m.Groups[1].Value == "reset"
        ? m.Groups[2].Value
        : throw new InvalidOperationException("No reset link in the mail.");

    [GeneratedRegex(@"/admin/(invitation|reset)/([A-Za-z0-9_.-]+)")]
    private static partial Regex Link();
}
