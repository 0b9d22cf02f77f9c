namespace Broadsheet;

public enum SmtpSecurity
{
    /// <summary>Plain SMTP; only for a relay on the same machine or network.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which must be offered (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,
}
