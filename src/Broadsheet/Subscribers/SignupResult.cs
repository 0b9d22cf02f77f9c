namespace Broadsheet.Subscribers;

/// <summary>
/// What the reader is told. A valid address always gives <see cref="Accepted"/>, whether it was new,
/// pending, active or suppressed, so the answer reveals nothing about who subscribes.
/// </summary>
public sealed record SignupResult(bool Accepted, EmailAddressError Error)
{
    public static readonly SignupResult Done = new(true, EmailAddressError.None);

    public static SignupResult Invalid(EmailAddressError error) => new(false, error);
}
