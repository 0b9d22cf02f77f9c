using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>A post in the list: the post (bylines loaded), who created it, and where its title leads this member.</summary>
public sealed record PostListRow(Post Post, string? CreatedBy, string? PublishTime, bool CanEdit);
