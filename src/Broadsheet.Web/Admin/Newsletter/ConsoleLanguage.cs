namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// The console's view of one language's digest: the next edition when one is being prepared; otherwise the next send
/// time with its period key and when its edition will be prepared (null when the schedule never fires again).
/// </summary>
public sealed record ConsoleLanguage(string Language, ConsoleEditionRow? Next, DateTimeOffset? NextSendTime, string? NextPeriodKey, DateTimeOffset? PreparedFrom);
