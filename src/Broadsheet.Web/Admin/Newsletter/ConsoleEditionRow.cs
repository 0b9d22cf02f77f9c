using Broadsheet.Newsletter;

namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// One edition as the console lists it: how many posts it carries, who last reviewed it, its send in numbers, and
/// whether it is past its time (<paramref name="Due"/>) or past the lateness window too, so only an editor sends it now
/// (<paramref name="Missed"/>).
/// </summary>
public sealed record ConsoleEditionRow(Edition Edition, int Items, string? Reviewer, EditionProgress Progress, bool Due, bool Missed);
