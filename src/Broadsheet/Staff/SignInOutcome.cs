namespace Broadsheet.Staff;

public enum SignInStatus
{
    Succeeded,

    /// <summary>The password was right; a code from the authenticator app is needed as well.</summary>
    NeedsSecondFactor,

    /// <summary>Wrong address or password (never said which).</summary>
    Invalid,

    /// <summary>Too many failures: refused until <see cref="SignInOutcome.LockedUntil"/>, whatever the password.</summary>
    LockedOut,
}

public sealed record SignInOutcome(SignInStatus Status, StaffMember? Member = null, DateTime? LockedUntil = null);
