namespace Broadsheet.Subscribers;

public enum SuppressionReason
{
    Unsubscribed,
    Bounced,
    Complained,
    Erased,
}
