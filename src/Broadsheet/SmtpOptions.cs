namespace Broadsheet;

/// <summary>One SMTP relay: <c>Broadsheet:Mail:Smtp</c>, or one entry of <c>Broadsheet:Mail:SmtpFallbacks</c>.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Empty: no AUTH.</summary>
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>Persistent connections kept open to this relay; also the most messages in flight at once.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>At most this many messages a second through this relay; 0: no limit.</summary>
    public double MessagesPerSecond { get; set; }

    /// <summary>At most this many messages in any sliding hour through this relay (a provider's quota); 0: no limit.</summary>
    public int MessagesPerHour { get; set; }

    /// <summary>
    /// How long one SMTP command may wait for the server's reply before the connection counts as dead. With the
    /// delivery's stall limit (45 s) this makes a relay that takes connections but never answers fail its send
    /// within a minute: two timed-out tries, ten seconds apart.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Accept a certificate that does not validate (a relay with a self-signed certificate on a private network).</summary>
    public bool AcceptInvalidCertificate { get; set; }

    /// <summary>
    /// The name this instance gives in EHLO; empty: the machine's host name (MailKit's default). Several instances on
    /// one machine, or in containers with meaningless host names, can each give their own, so the relay's logs (and the
    /// test kit's SMTP server) tell which one sent a message.
    /// </summary>
    public string LocalDomain { get; set; } = "";
}
