using Broadsheet.Publishing;

namespace Broadsheet.Newsletter;

/// <summary>A post as an edition carries it: in the section it was put in (which may differ from its kind).</summary>
internal sealed record DigestEntry(Post Post, PostKind Section);
