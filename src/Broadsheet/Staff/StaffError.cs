namespace Broadsheet.Staff;

/// <summary>Why a staff action was refused; the admin says it in the staff member's language.</summary>
public enum StaffError
{
    None = 0,
    InvalidEmail,
    EmailTaken,
    NameRequired,
    NameTooLong,
    PasswordTooShort,
    PasswordTooLong,
    PasswordIsEmail,
    SetupAlreadyDone,
    Forbidden,
    NotFound,
    InvalidLink,
    InvalidCode,
    CannotChangeSelf,
    MailFailed,
}
