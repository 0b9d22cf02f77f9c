using Broadsheet.Publishing;

namespace Broadsheet.Web.Site;

public sealed record HomeModel(IReadOnlyList<Post> Featured, IReadOnlyDictionary<PostKind, IReadOnlyList<Post>> ByKind);
