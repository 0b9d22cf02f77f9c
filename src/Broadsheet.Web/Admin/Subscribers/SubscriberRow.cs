using Broadsheet.Subscribers;

namespace Broadsheet.Web.Admin.Subscribers;

/// <summary>One subscriber in a list, decrypted for the editor. <see cref="Email"/> is null when it cannot be decrypted (another key).</summary>
public sealed record SubscriberRow(
    long Id, string? Email, string? Name, SubscriberStatus Status, NewsletterLanguages Languages, DateTime CreatedAt, DateTime? ConfirmedAt);
