namespace Broadsheet;

/// <summary>The <c>Broadsheet:Mail</c> section.</summary>
public sealed class MailOptions
{
    /// <summary>The sender of every mail, e.g. <c>"The Ledger" &lt;newsletter@example.org&gt;</c>.</summary>
    public string From { get; set; } = "newsletter@localhost";

    /// <summary>Where replies go; empty: to <see cref="From"/>.</summary>
    public string ReplyTo { get; set; } = "";

    /// <summary>
    /// The envelope sender (Return-Path) that bounces come back to, e.g. <c>bounces@example.org</c>. Each delivery
    /// gets its own VERP form of it (<c>bounces+d123-abcd1234@example.org</c>). Empty: the address of <see cref="From"/>.
    /// </summary>
    public string BounceAddress { get; set; } = "";

    /// <summary>At most this many confirmation mails an hour, whatever the traffic (a flood costs the sender's reputation).</summary>
    public int ConfirmationsPerHour { get; set; } = 500;

    /// <summary><c>Outbox</c> (one .eml file per message in the data folder; the default) or <c>Smtp</c>.</summary>
    public MailTransportKind Transport { get; set; } = MailTransportKind.Outbox;

    /// <summary>The SMTP relay used when <see cref="Transport"/> is <c>Smtp</c>.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Relays tried in order when the one before them cannot take mail (failover).</summary>
    public IList<SmtpOptions> SmtpFallbacks { get; set; } = [];

    public DkimOptions Dkim { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    public BounceOptions Bounces { get; set; } = new();
}
