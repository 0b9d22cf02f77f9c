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

    /// <summary>
    /// The mail as a reader gets it, for an editor's eyes (the admin's preview, a test send, the CLI's preview): the
    /// reader's own links point at the site's subscribe page, so they work and carry no token, and nothing is tracked.
    /// </summary>
    Preview,
}
