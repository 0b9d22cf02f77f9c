namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// Everything the console shows: each language's next edition, what sends now, what else waits, one page of the past;
/// and when it was looked at, to tell a preparation time still to come from one already passed.
/// </summary>
public sealed record ConsoleOverview(
    IReadOnlyList<ConsoleLanguage> Languages,
    IReadOnlyList<ConsoleEditionRow> Sending,
    IReadOnlyList<ConsoleEditionRow> Waiting,
    IReadOnlyList<ConsoleEditionRow> Past,
    int Page,
    int Pages,
    bool RequireApproval,
    bool TrackOpens,
    TimeSpan Lateness,
    TimeZoneInfo Zone,
    DateTimeOffset Now);
