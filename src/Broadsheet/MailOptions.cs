namespace Broadsheet;

/// <summary>The <c>Broadsheet:Mail</c> section.</summary>
public sealed class MailOptions
{
    /// <summary>The sender of every mail, e.g. <c>"The Ledger" &lt;newsletter@example.org&gt;</c>.</summary>
    public string From { get; set; } = "newsletter@localhost";

    /// <summary>At most this many confirmation mails an hour, whatever the traffic (a flood costs the sender's reputation).</summary>
    public int ConfirmationsPerHour { get; set; } = 500;
}
