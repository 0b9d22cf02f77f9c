namespace Broadsheet.Staff;

/// <summary>
/// A person who works in the admin. Not a reader: a staff address is how a colleague signs in and is shown to other
/// staff, so it is stored as typed (lower-cased) rather than encrypted like a subscriber's.
/// </summary>
public sealed class StaffMember
{
    public int Id { get; set; }

    /// <summary>Lower-cased; unique.</summary>
    public string Email { get; set; } = "";

    public string Name { get; set; } = "";
    public StaffRole Role { get; set; }

    /// <summary>The admin's language for this person: <c>en</c> or <c>ar</c>.</summary>
    public string Language { get; set; } = Broadsheet.Language.English;

    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2 with a salt, versioned).</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>Changes with the password, the role and two-factor settings: older cookies and reset links stop working.</summary>
    public Guid SecurityStamp { get; set; } = Guid.NewGuid();

    public int FailedSignIns { get; set; }
    public DateTime? LockedUntil { get; set; }

    /// <summary>The TOTP secret under AES-GCM (AddressProtector); null while two-factor is off.</summary>
    public byte[]? TotpSecretEncrypted { get; set; }

    /// <summary>The last TOTP time step accepted, so one code cannot be used twice.</summary>
    public long? TotpLastStep { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }

    public bool TwoFactorEnabled => TotpSecretEncrypted is not null;
}
