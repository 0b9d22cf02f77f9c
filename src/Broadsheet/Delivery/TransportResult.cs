namespace Broadsheet.Delivery;

/// <summary>What became of one message: the outcome, and the server's words for the record (never an address).</summary>
/// <param name="StatusCode">The SMTP reply code, when there was one (e.g. 450, 550).</param>
/// <param name="EnhancedCode">The RFC 3463 enhanced status code, when the server gave one (e.g. <c>5.1.1</c>).</param>
/// <param name="ConnectionFailure">True when no server took the message at all (refused, timed out, black-holed):
/// the sign of a transport that is down rather than of a bad recipient.</param>
public sealed record TransportResult(
    TransportOutcome Outcome,
    string Detail,
    int? StatusCode = null,
    string? EnhancedCode = null,
    bool ConnectionFailure = false)
{
    public static TransportResult Sent(string detail = "250 accepted") => new(TransportOutcome.Sent, detail, 250);

    /// <summary>A 5.1.x answer: the mailbox does not exist or the address is bad, so it must never be tried again.</summary>
    public bool IsBadAddress => Outcome == TransportOutcome.Rejected && EnhancedCode?.StartsWith("5.1.", StringComparison.Ordinal) == true;
}
