using Broadsheet.Publishing;
using Broadsheet.Staff;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>
/// Who may see and do what with one post: <see cref="StaffPermissions"/> (the role rules) applied to the post's
/// creator and status. Contributors and authors see their own posts and the published ones; a contributor edits only
/// their own drafts; an author also publishes, schedules, unpublishes and deletes their own; editors and above, all.
/// </summary>
internal static class PostAccess
{
    public static bool IsOwn(StaffMember member, Post post) => post.CreatedById == member.Id;

    /// <summary>Those who may edit anyone's post see every post, drafts included.</summary>
    public static bool SeesAll(StaffMember member) => StaffPermissions.CanEdit(member.Role, ownPost: false);

    public static IQueryable<Post> VisibleTo(this IQueryable<Post> posts, StaffMember member)
    {
        if (SeesAll(member))
        {
            return posts;
        }

        var id = member.Id;
        return posts.Where(p => p.CreatedById == id || p.Status == PostStatus.Published);
    }

    public static bool CanSee(StaffMember member, Post post) =>
        SeesAll(member) || IsOwn(member, post) || post.Status == PostStatus.Published;

    /// <summary>Change its content: whoever may not publish it may only touch it while it is a draft.</summary>
    public static bool CanEdit(StaffMember member, Post post)
    {
        var own = IsOwn(member, post);
        return StaffPermissions.CanEdit(member.Role, own) && (post.Status == PostStatus.Draft || StaffPermissions.CanPublish(member.Role, own));
    }

    /// <summary>Publish, schedule or unpublish <paramref name="post"/>, or a new post (null) that will be the member's own.</summary>
    public static bool CanPublish(StaffMember member, Post? post) =>
        StaffPermissions.CanPublish(member.Role, post is null || IsOwn(member, post));

    /// <summary>Deleting is editing for good: the same people, under the same status rule.</summary>
    public static bool CanDelete(StaffMember member, Post post) => CanEdit(member, post);
}
