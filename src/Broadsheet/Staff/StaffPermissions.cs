namespace Broadsheet.Staff;

/// <summary>
/// What each role may do, in one place: the admin's pages, its forms and the library's services all ask here, so a
/// button that is hidden is also a request that is refused.
/// </summary>
public static class StaffPermissions
{
    /// <summary>Every role writes; a contributor only drafts.</summary>
    public static bool CanWrite(StaffRole role) => role >= StaffRole.Contributor;

    /// <summary>Publish, schedule or unpublish a post: editors any post, authors their own.</summary>
    public static bool CanPublish(StaffRole role, bool ownPost) =>
        role >= StaffRole.Editor || (role == StaffRole.Author && ownPost);

    /// <summary>Edit a post at all: editors any post; authors and contributors their own drafts and posts.</summary>
    public static bool CanEdit(StaffRole role, bool ownPost) => role >= StaffRole.Editor || ownPost;

    /// <summary>Subscribers, newsletters and the outbox.</summary>
    public static bool CanRunNewsletters(StaffRole role) => role >= StaffRole.Editor;

    /// <summary>Staff accounts, invitations and settings.</summary>
    public static bool CanManageStaff(StaffRole role) => role >= StaffRole.Administrator;

    public static bool CanManageSettings(StaffRole role) => role >= StaffRole.Administrator;

    /// <summary>Which roles <paramref name="actor"/> may give or take away: those below their own (so administrators only by the owner).</summary>
    public static bool CanAssign(StaffRole actor, StaffRole role) => CanManageStaff(actor) && role < actor;
}
