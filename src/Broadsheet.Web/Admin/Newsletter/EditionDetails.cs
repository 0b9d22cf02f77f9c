using Broadsheet.Newsletter;
using Broadsheet.Publishing;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// One edition for its page: its posts in order, the same period's edition in the other language, its reviewer, its
/// send in numbers, how many subscribers it would go to now, and the subject readers see.
/// </summary>
public sealed record EditionDetails(
    ConsoleEditionRow Row,
    IReadOnlyList<(EditionItem Item, Post Post)> Items,
    Edition? Other,
    int Subscribers,
    string Subject,
    bool RequireApproval,
    bool TrackOpens,
    TimeSpan Lateness,
    TimeZoneInfo Zone)
{
    public Edition Edition => Row.Edition;

    /// <summary>Whether an editor may still change it (and approve, hold or send it).</summary>
    public bool Editable => Edition.Status is EditionStatus.Draft or EditionStatus.Approved or EditionStatus.Held;

    /// <summary>Approving it sends it at once: a special edition, or a digest edition past its send time.</summary>
    public bool ApprovalSendsNow => Edition.Newsletter == Broadsheet.Newsletter.Edition.Special || Row.Due;
}
