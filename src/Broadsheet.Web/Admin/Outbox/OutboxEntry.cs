namespace Broadsheet.Web.Admin.Outbox;

/// <summary>One message file in the outbox list: what its headers say, and its size. <see cref="Readable"/> false: not a message.</summary>
public sealed record OutboxEntry(string Name, DateTimeOffset? Date, string To, string Subject, long Size, bool Readable);
