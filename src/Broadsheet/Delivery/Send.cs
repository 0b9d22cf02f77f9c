namespace Broadsheet.Delivery;

/// <summary>
/// One mailing: a confirmation, a digest edition or a campaign. Its content is stored once; the per-recipient links
/// (<see cref="UnsubscribeUrlPlaceholder"/>, <see cref="PreferencesUrlPlaceholder"/>) are filled in per delivery.
/// </summary>
public sealed class Send
{
    public const string UnsubscribeUrlPlaceholder = "{{unsubscribe_url}}";
    public const string PreferencesUrlPlaceholder = "{{preferences_url}}";

    public long Id { get; set; }
    public SendKind Kind { get; set; }
    public SendStatus Status { get; set; }

    /// <summary>The language of the content ("en" or "ar"); recipients are the active subscribers who chose it.</summary>
    public string Language { get; set; } = "";

    public string Subject { get; set; } = "";
    public string HtmlBody { get; set; } = "";
    public string TextBody { get; set; } = "";

    /// <summary>For a confirmation: the one pending subscriber it is for.</summary>
    public long? SubscriberId { get; set; }

    /// <summary>The largest subscriber id that has a delivery row: materialisation resumes after it.</summary>
    public long MaterialisedUpTo { get; set; }

    public int Recipients { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>Why it stopped, in words an operator can act on.</summary>
    public string? FailureReason { get; set; }
}
