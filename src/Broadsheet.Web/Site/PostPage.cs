using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

/// <summary>One page of a listing.</summary>
public sealed record PostPage(IReadOnlyList<Post> Items, int Page, int PageCount, int Total);
