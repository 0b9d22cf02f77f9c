using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtpNet;

namespace Broadsheet.Staff;

/// <summary>
/// Staff accounts: the owner's set-up, signing in (with lockout and optional TOTP), invitations, password resets and
/// roles. Every write about staff goes through here, so the admin's forms and any later API share one set of rules.
/// </summary>
public sealed partial class StaffService(
    BroadsheetDb db,
    IPasswordHasher<StaffMember> hasher,
    TokenSigner tokens,
    AddressProtector protector,
    IMailTransport mail,
    IOptions<BroadsheetOptions> options,
    TimeProvider time,
    ILogger<StaffService> logger)
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxNameLength = 100;

    /// <summary>Failures in a row before the account is locked, and for how long.</summary>
    public const int MaxFailedSignIns = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);

    public const string InvitationPurpose = "staff-invitation";
    public const string ResetPurpose = "staff-reset";

    // Verified when the address is unknown, so a wrong address takes as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<StaffMember>().HashPassword(new StaffMember(), Guid.NewGuid().ToString()));

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => db.StaffMembers.AnyAsync(cancellationToken);

    public Task<StaffMember?> FindAsync(int id, CancellationToken cancellationToken = default) =>
        db.StaffMembers.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);

    /// <summary>Makes the owner account; refused once any account exists, so the set-up page cannot be replayed.</summary>
    public async Task<StaffResult> SetUpOwnerAsync(string? name, string? email, string? password, string language, CancellationToken cancellationToken = default)
    {
        if (Check(name, email, password, out var address) is var error and not StaffError.None)
        {
            return StaffResult.Fail(error);
        }

        // The unique index on the owner role settles a race between two set-up forms: one insert wins.
        if (await db.StaffMembers.AnyAsync(cancellationToken))
        {
            return StaffResult.Fail(StaffError.SetupAlreadyDone);
        }

        var member = NewMember(name!, address!, password!, StaffRole.Owner, language);
        db.StaffMembers.Add(member);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return StaffResult.Fail(StaffError.SetupAlreadyDone);
        }

        LogOwnerSetUp(member.Id);
        return StaffResult.Ok(member);
    }

    /// <summary>Checks an address and password. A locked account is refused without looking at the password.</summary>
    public async Task<SignInOutcome> SignInAsync(string? email, string? password, CancellationToken cancellationToken = default)
    {
        var key = Normalise(email);
        var member = key is null ? null : await db.StaffMembers.SingleOrDefaultAsync(s => s.Email == key, cancellationToken);
        if (member is null || string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            hasher.VerifyHashedPassword(new StaffMember(), DummyHash.Value, password ?? "");
            return new SignInOutcome(SignInStatus.Invalid);
        }

        if (member.LockedUntil is { } until && until > Now)
        {
            return new SignInOutcome(SignInStatus.LockedOut, LockedUntil: until);
        }

        var verified = hasher.VerifyHashedPassword(member, member.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            return await FailAsync(member, cancellationToken);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            member.PasswordHash = hasher.HashPassword(member, password);
        }

        if (member.TwoFactorEnabled)
        {
            // The failure count is cleared only when the second factor is right too.
            await db.SaveChangesAsync(cancellationToken);
            return new SignInOutcome(SignInStatus.NeedsSecondFactor, member);
        }

        return await SucceedAsync(member, cancellationToken);
    }

    /// <summary>The second step of a sign-in: a TOTP code, each usable once. Wrong codes count towards the lockout.</summary>
    public async Task<SignInOutcome> VerifySecondFactorAsync(int memberId, string? code, CancellationToken cancellationToken = default)
    {
        var member = await FindAsync(memberId, cancellationToken);
        if (member?.TotpSecretEncrypted is null)
        {
            return new SignInOutcome(SignInStatus.Invalid);
        }

        if (member.LockedUntil is { } until && until > Now)
        {
            return new SignInOutcome(SignInStatus.LockedOut, LockedUntil: until);
        }

        if (MatchStep(protector.Decrypt(member.TotpSecretEncrypted), code) is not { } step || step <= (member.TotpLastStep ?? -1))
        {
            return await FailAsync(member, cancellationToken);
        }

        member.TotpLastStep = step;
        return await SucceedAsync(member, cancellationToken);
    }

    /// <summary>A fresh secret for the authenticator app, in Base32; nothing is stored until <see cref="EnableTwoFactorAsync"/>.</summary>
    public static string NewTotpSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The <c>otpauth://</c> URI an authenticator app reads from a QR code.</summary>
    public string TotpUri(StaffMember member, string secret)
    {
        ArgumentNullException.ThrowIfNull(member);
        var issuer = Uri.EscapeDataString(options.Value.PublicationNameIn(member.Language));
        return $"otpauth://totp/{issuer}:{Uri.EscapeDataString(member.Email)}?secret={secret}&issuer={issuer}&digits=6&period=30";
    }

    /// <summary>Turns two-factor on once a code made from <paramref name="secret"/> proves the app has it.</summary>
    public async Task<StaffResult> EnableTwoFactorAsync(int memberId, string? secret, string? code, CancellationToken cancellationToken = default)
    {
        var member = await FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return StaffResult.Fail(StaffError.NotFound);
        }

        if (secret is not { Length: >= 16 and <= 64 } || MatchStep(secret, code) is not { } step)
        {
            return StaffResult.Fail(StaffError.InvalidCode);
        }

        member.TotpSecretEncrypted = protector.Encrypt(secret);
        member.TotpLastStep = step;
        member.SecurityStamp = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        return StaffResult.Ok(member);
    }

    public async Task<StaffResult> DisableTwoFactorAsync(int memberId, CancellationToken cancellationToken = default)
    {
        var member = await FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return StaffResult.Fail(StaffError.NotFound);
        }

        member.TotpSecretEncrypted = null;
        member.TotpLastStep = null;
        member.SecurityStamp = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        return StaffResult.Ok(member);
    }

    /// <summary>Invites a colleague by mail with a role the inviter may give.</summary>
    public async Task<StaffResult> InviteAsync(StaffMember actor, string? email, StaffRole role, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!StaffPermissions.CanAssign(actor.Role, role))
        {
            return StaffResult.Fail(StaffError.Forbidden);
        }

        if (Normalise(email) is not { } address)
        {
            return StaffResult.Fail(StaffError.InvalidEmail);
        }

        if (await db.StaffMembers.AnyAsync(s => s.Email == address, cancellationToken))
        {
            return StaffResult.Fail(StaffError.EmailTaken);
        }

        var invitation = new StaffInvitation
        {
            Email = address, Role = role, Language = Broadsheet.Language.IsSupported(language) ? language : actor.Language,
            InvitedById = actor.Id, CreatedAt = Now, ExpiresAt = Now + InvitationLifetime,
        };
        db.StaffInvitations.Add(invitation);
        await db.SaveChangesAsync(cancellationToken);

        var link = $"{SiteUrl}/admin/invitation/{tokens.Create(InvitationPurpose, invitation.Id, InvitationLifetime, invitation.Nonce)}";
        var sent = await mail.SendAsync(StaffMail.Invitation(options.Value, time.GetUtcNow(), address, invitation.Language, actor.Name, role, link), cancellationToken);
        if (sent.Outcome != TransportOutcome.Sent)
        {
            // Nobody can accept an invitation they never got: it is withdrawn, and the admin says the mail failed.
            db.StaffInvitations.Remove(invitation);
            await db.SaveChangesAsync(cancellationToken);
            LogMailFailed("invitation", sent.Detail);
            return StaffResult.Fail(StaffError.MailFailed);
        }

        LogInvited(invitation.Id, role);
        return StaffResult.Ok(actor);
    }

    /// <summary>The open invitation a link points at, or null (forged, expired, used or withdrawn).</summary>
    public async Task<StaffInvitation?> FindInvitationAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (tokens.Validate(token, InvitationPurpose) is not { } payload)
        {
            return null;
        }

        var invitation = await db.StaffInvitations.SingleOrDefaultAsync(i => i.Id == payload.SubjectId, cancellationToken);
        return invitation is { AcceptedAt: null } && invitation.Nonce == payload.Nonce && invitation.ExpiresAt > Now ? invitation : null;
    }

    /// <summary>Makes the invited account with the name and password its owner chose; the link then stops working.</summary>
    public async Task<StaffResult> AcceptInvitationAsync(string? token, string? name, string? password, CancellationToken cancellationToken = default)
    {
        if (await FindInvitationAsync(token, cancellationToken) is not { } invitation)
        {
            return StaffResult.Fail(StaffError.InvalidLink);
        }

        if (Check(name, invitation.Email, password, out var address) is var error and not StaffError.None)
        {
            return StaffResult.Fail(error);
        }

        if (await db.StaffMembers.AnyAsync(s => s.Email == address, cancellationToken))
        {
            return StaffResult.Fail(StaffError.EmailTaken);
        }

        var member = NewMember(name!, address!, password!, invitation.Role, invitation.Language);
        db.StaffMembers.Add(member);
        invitation.AcceptedAt = Now;
        await db.SaveChangesAsync(cancellationToken);
        LogJoined(member.Id, member.Role);
        return StaffResult.Ok(member);
    }

    /// <summary>Mails a reset link when the address belongs to a colleague; says nothing either way.</summary>
    public async Task RequestPasswordResetAsync(string? email, CancellationToken cancellationToken = default)
    {
        var key = Normalise(email);
        var member = key is null ? null : await db.StaffMembers.AsNoTracking().SingleOrDefaultAsync(s => s.Email == key, cancellationToken);
        if (member is null)
        {
            return;
        }

        // The security stamp is the nonce: a reset (or any password change) changes it, so a link works once.
        var link = $"{SiteUrl}/admin/reset/{tokens.Create(ResetPurpose, member.Id, ResetLifetime, member.SecurityStamp)}";
        var sent = await mail.SendAsync(StaffMail.PasswordReset(options.Value, time.GetUtcNow(), member.Email, member.Language, link), cancellationToken);
        if (sent.Outcome != TransportOutcome.Sent)
        {
            LogMailFailed("password reset", sent.Detail);
        }
    }

    /// <summary>The member a reset link is for, or null.</summary>
    public async Task<StaffMember?> FindByResetTokenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (tokens.Validate(token, ResetPurpose) is not { } payload)
        {
            return null;
        }

        var member = await FindAsync((int)Math.Clamp(payload.SubjectId, 0, int.MaxValue), cancellationToken);
        return member is not null && member.SecurityStamp == payload.Nonce ? member : null;
    }

    public async Task<StaffResult> ResetPasswordAsync(string? token, string? password, CancellationToken cancellationToken = default)
    {
        if (await FindByResetTokenAsync(token, cancellationToken) is not { } member)
        {
            return StaffResult.Fail(StaffError.InvalidLink);
        }

        if (CheckPassword(password, member.Email) is var error and not StaffError.None)
        {
            return StaffResult.Fail(error);
        }

        member.PasswordHash = hasher.HashPassword(member, password!);
        member.SecurityStamp = Guid.NewGuid();
        member.FailedSignIns = 0;
        member.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        LogPasswordReset(member.Id);
        return StaffResult.Ok(member);
    }

    public async Task<StaffResult> ChangeRoleAsync(StaffMember actor, int memberId, StaffRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (memberId == actor.Id)
        {
            return StaffResult.Fail(StaffError.CannotChangeSelf);
        }

        var member = await FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return StaffResult.Fail(StaffError.NotFound);
        }

        // Both the role they have and the one they would get must be below the actor's.
        if (!StaffPermissions.CanAssign(actor.Role, member.Role) || !StaffPermissions.CanAssign(actor.Role, role))
        {
            return StaffResult.Fail(StaffError.Forbidden);
        }

        member.Role = role;
        member.SecurityStamp = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        return StaffResult.Ok(member);
    }

    /// <summary>Removes a colleague's account; their posts stay, with their bylines.</summary>
    public async Task<StaffResult> RemoveAsync(StaffMember actor, int memberId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (memberId == actor.Id)
        {
            return StaffResult.Fail(StaffError.CannotChangeSelf);
        }

        var member = await FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return StaffResult.Fail(StaffError.NotFound);
        }

        if (!StaffPermissions.CanAssign(actor.Role, member.Role))
        {
            return StaffResult.Fail(StaffError.Forbidden);
        }

        db.StaffMembers.Remove(member);
        await db.SaveChangesAsync(cancellationToken);
        return StaffResult.Ok(member);
    }

    public async Task<StaffResult> SetLanguageAsync(int memberId, string language, CancellationToken cancellationToken = default)
    {
        var member = await FindAsync(memberId, cancellationToken);
        if (member is null)
        {
            return StaffResult.Fail(StaffError.NotFound);
        }

        if (Broadsheet.Language.IsSupported(language))
        {
            member.Language = language;
            await db.SaveChangesAsync(cancellationToken);
        }

        return StaffResult.Ok(member);
    }

    /// <summary>The lower-cased, validated form of a staff address, or null.</summary>
    public static string? Normalise(string? email) =>
        EmailAddress.TryParse(email?.Trim(), out var address, out _) ? address.Value.ToLowerInvariant() : null;

    private string SiteUrl => options.Value.SiteUrl.TrimEnd('/');

    private StaffMember NewMember(string name, string address, string password, StaffRole role, string language)
    {
        var member = new StaffMember
        {
            Email = address, Name = name.Trim(), Role = role, CreatedAt = Now,
            Language = Broadsheet.Language.IsSupported(language) ? language : Broadsheet.Language.English,
        };
        member.PasswordHash = hasher.HashPassword(member, password);
        return member;
    }

    private static StaffError Check(string? name, string? email, string? password, out string? address)
    {
        address = Normalise(email);
        if (string.IsNullOrWhiteSpace(name))
        {
            return StaffError.NameRequired;
        }

        if (name.Trim().Length > MaxNameLength)
        {
            return StaffError.NameTooLong;
        }

        return address is null ? StaffError.InvalidEmail : CheckPassword(password, address);
    }

    private static StaffError CheckPassword(string? password, string address)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            return StaffError.PasswordTooShort;
        }

        if (password.Length > MaxPasswordLength)
        {
            return StaffError.PasswordTooLong;
        }

        return string.Equals(password.Trim(), address, StringComparison.OrdinalIgnoreCase) ? StaffError.PasswordIsEmail : StaffError.None;
    }

    /// <summary>The time step a code matches (this one, or one either side for a slow typist's clock), or null.</summary>
    private long? MatchStep(string secret, string? code)
    {
        var digits = code?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (digits is not { Length: 6 } || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(secret);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var totp = new Totp(key);
        return totp.VerifyTotp(Now, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    private async Task<SignInOutcome> FailAsync(StaffMember member, CancellationToken cancellationToken)
    {
        member.FailedSignIns++;
        if (member.FailedSignIns >= MaxFailedSignIns)
        {
            member.FailedSignIns = 0;
            member.LockedUntil = Now + LockoutDuration;
            await db.SaveChangesAsync(cancellationToken);
            LogLockedOut(member.Id);
            return new SignInOutcome(SignInStatus.LockedOut, LockedUntil: member.LockedUntil);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SignInOutcome(SignInStatus.Invalid);
    }

    private async Task<SignInOutcome> SucceedAsync(StaffMember member, CancellationToken cancellationToken)
    {
        member.FailedSignIns = 0;
        member.LockedUntil = null;
        member.LastSignInAt = Now;
        await db.SaveChangesAsync(cancellationToken);
        return new SignInOutcome(SignInStatus.Succeeded, member);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The owner account {MemberId} was set up")]
    private partial void LogOwnerSetUp(int memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invitation {InvitationId} sent for the role {Role}")]
    private partial void LogInvited(int invitationId, StaffRole role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff member {MemberId} joined as {Role}")]
    private partial void LogJoined(int memberId, StaffRole role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff member {MemberId} is locked out after repeated failed sign-ins")]
    private partial void LogLockedOut(int memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff member {MemberId} reset their password")]
    private partial void LogPasswordReset(int memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {What} mail could not be sent: {Detail}")]
    private partial void LogMailFailed(string what, string detail);
}
