namespace Broadsheet.Subscribers;

/// <summary>pending → active → unsubscribed | bounced | complained. Only <see cref="Active"/> receives newsletters.</summary>
public enum SubscriberStatus
{
    Pending,
    Active,
    Unsubscribed,
    Bounced,
    Complained,
}
