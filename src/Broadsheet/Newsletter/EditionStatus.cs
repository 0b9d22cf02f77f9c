namespace Broadsheet.Newsletter;

/// <summary>Where an edition is: prepared for review, approved or held by an editor, handed to the delivery engine, or skipped.</summary>
public enum EditionStatus
{
    Draft = 0,
    Approved = 1,
    Held = 2,
    Sending = 3,
    Sent = 4,
    Skipped = 5,
}
