namespace Broadsheet.Staff;

/// <summary>
/// A staff member's role, as newsrooms name them, from least to most trusted. Each role can do everything the ones
/// below it can (see <see cref="StaffPermissions"/>).
/// </summary>
public enum StaffRole
{
    /// <summary>Writes drafts; cannot publish anything.</summary>
    Contributor = 0,

    /// <summary>Publishes their own posts.</summary>
    Author = 1,

    /// <summary>Publishes every post and runs the newsletters and subscribers.</summary>
    Editor = 2,

    /// <summary>Also manages staff and settings.</summary>
    Administrator = 3,

    /// <summary>The account made at set-up; also the only one that can make or remove administrators.</summary>
    Owner = 4,
}
