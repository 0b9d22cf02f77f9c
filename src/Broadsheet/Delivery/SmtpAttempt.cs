namespace Broadsheet.Delivery;

/// <summary>
/// What one try on one connection came to: a result for the caller, or a failure before any message data went out
/// (a 421, a refused or dropped connection) that is safe to try again at once on a fresh connection.
/// </summary>
internal readonly record struct SmtpAttempt(TransportResult Result, bool MayRetry, string Reason)
{
    public static SmtpAttempt Final(TransportResult result, string reason = "") => new(result, false, reason);

    public static SmtpAttempt Retryable(TransportResult result, string reason) => new(result, true, reason);
}
