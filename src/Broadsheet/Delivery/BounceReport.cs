namespace Broadsheet.Delivery;

/// <summary>What <see cref="BounceParser"/> read from one mail that arrived at the bounce address.</summary>
/// <param name="Kind">What the mail says about the delivery.</param>
/// <param name="Status">The RFC 3463 enhanced status code (e.g. <c>5.1.1</c>), when the mail gave one.</param>
/// <param name="Diagnostic">The remote server's own words on one line, cleaned as an SMTP reply is (every email
/// address and IP replaced by a placeholder, cut short), so it can be stored and shown; empty when there were none.</param>
/// <param name="ReturnAddresses">The addresses this mail was delivered to (To, Delivered-To, X-Original-To,
/// Envelope-To) and, when the original is quoted, its Return-Path (and an ARF report's Original-Mail-From): one of
/// them is normally the VERP envelope sender of the delivery it is about. Duplicates removed, order kept.</param>
/// <param name="OriginalMessageIds">The Message-IDs (without angle brackets) of the message it refers to: from the
/// quoted original when there is one, else from In-Reply-To and References.</param>
/// <param name="Reason">Why the parser decided as it did, in a few fixed words for the log (never an address).</param>
public sealed record BounceReport(
    BounceKind Kind,
    string? Status,
    string Diagnostic,
    IReadOnlyList<string> ReturnAddresses,
    IReadOnlyList<string> OriginalMessageIds,
    string Reason)
{
    /// <summary>True for a hard or soft bounce: the mail did not arrive.</summary>
    public bool IsBounce => Kind is BounceKind.HardBounce or BounceKind.SoftBounce;
}
