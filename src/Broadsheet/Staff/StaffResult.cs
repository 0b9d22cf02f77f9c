namespace Broadsheet.Staff;

/// <summary>The member an action made or changed, or why it was refused (then nothing was written).</summary>
public sealed record StaffResult(StaffMember? Member, StaffError Error)
{
    public bool Succeeded => Error == StaffError.None;

    public static StaffResult Ok(StaffMember member) => new(member, StaffError.None);

    public static StaffResult Fail(StaffError error) => new(null, error);
}
