namespace Broadsheet.Web.Admin.Outbox;

/// <summary>One outbox message taken apart for its page: the summary, whether there is an HTML part, the text part, every header.</summary>
public sealed record OutboxMessageView(
    string Name, string From, string To, string Subject, DateTimeOffset? Date, long Size, bool HasHtml, string? Text,
    IReadOnlyList<KeyValuePair<string, string>> Headers);
