namespace Broadsheet.Newsletter;

/// <summary>
/// Which copy of an edition is rendered: the mail (with each reader's unsubscribe and preferences links left as
/// placeholders for the delivery engine, and the tracking switched on by an administrator) or the public archive's
/// web page (no personal link, no tracking).
/// </summary>
public enum EditionView
{
    Email,
    Web,
}
