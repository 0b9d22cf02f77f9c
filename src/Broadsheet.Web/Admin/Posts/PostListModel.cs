using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Posts;

/// <summary>One page of the posts list.</summary>
public sealed record PostListModel(
    IReadOnlyList<PostListRow> Rows, PostListFilter Filter, int Page, int PageCount, int Total, IReadOnlyList<Author> Authors);
