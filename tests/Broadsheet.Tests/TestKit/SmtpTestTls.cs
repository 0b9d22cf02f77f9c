namespace Broadsheet.Tests.TestKit;

/// <summary>How an <see cref="SmtpTestServer"/> speaks TLS.</summary>
public enum SmtpTestTls
{
    /// <summary>Plain SMTP only.</summary>
    None,

    /// <summary>Plain at first, STARTTLS offered in EHLO (like port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (like port 465).</summary>
    Implicit,
}
