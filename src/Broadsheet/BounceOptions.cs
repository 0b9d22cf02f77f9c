namespace Broadsheet;

/// <summary><c>Broadsheet:Mail:Bounces</c>: the mailbox bounces and complaints arrive in, and the webhook's secret.</summary>
public sealed class BounceOptions
{
    /// <summary><c>Imap</c> or <c>Pop3</c>; empty: no mailbox is polled.</summary>
    public string Protocol { get; set; } = "";

    public string Host { get; set; } = "";

    public int Port { get; set; } = 993;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Tls;

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The shared secret a caller of <c>POST /webhooks/bounces</c> must present; empty: the webhook is off.</summary>
    public string WebhookSecret { get; set; } = "";

    public bool AcceptInvalidCertificate { get; set; }
}
