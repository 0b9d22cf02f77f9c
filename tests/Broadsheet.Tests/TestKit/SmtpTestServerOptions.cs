namespace Broadsheet.Tests.TestKit;

/// <summary>How an <see cref="SmtpTestServer"/> is set up; fixed once it is started (faults are changed through <see cref="SmtpTestServer.Faults"/>).</summary>
public sealed record SmtpTestServerOptions
{
    /// <summary>STARTTLS or implicit TLS with a self-signed certificate made in memory; none by default.</summary>
    public SmtpTestTls Tls { get; init; } = SmtpTestTls.None;

    /// <summary>When set (with <see cref="Password"/>), AUTH PLAIN and LOGIN are offered and required before MAIL.</summary>
    public string? Username { get; init; }

    /// <summary>The password that goes with <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>Advertised with SIZE; a bigger message is refused with 552 5.3.4.</summary>
    public long MaxMessageSize { get; init; } = 50 * 1024 * 1024;

    /// <summary>
    /// Keep each accepted message's bytes (and so <see cref="ReceivedMail.Message"/>). Turn off for runs of
    /// tens of thousands of messages where only envelopes, counts and Message-IDs matter.
    /// </summary>
    public bool KeepContent { get; init; } = true;

    internal bool RequiresAuth => Username is not null;
}
