using System.Globalization;
using System.Text.RegularExpressions;

namespace Broadsheet.Delivery;

/// <summary>
/// Turns a server's reply into words fit for the record. Servers echo the mailbox back ("&lt;x@y&gt;: Recipient
/// address rejected") and often the client's IP, and the detail is stored and shown; so addresses and IPs are cut
/// out, and the RFC 3463 enhanced code is read from the text because MailKit does not parse it.
/// </summary>
internal static partial class SmtpReplyText
{
    private const int MaxLength = 300;

    /// <summary>The enhanced status code at the start of a reply's text (<c>5.1.1 no such user</c>), if any.</summary>
    public static string? EnhancedCode(string? text)
    {
        var match = EnhancedCodeRegex().Match(text ?? "");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>"550 5.1.1 mailbox unavailable", with addresses and IPs removed and one line only.</summary>
    public static string Describe(int code, string? text) =>
        string.Create(CultureInfo.InvariantCulture, $"{code} {Clean(text)}").TrimEnd();

    public static string Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var cleaned = AddressRegex().Replace(text, "[address]");
        cleaned = Ipv4Regex().Replace(cleaned, "[ip]");
        cleaned = Ipv6Regex().Replace(cleaned, "[ip]");
        cleaned = LineBreakRegex().Replace(cleaned.Trim(), " / ");
        return cleaned.Length <= MaxLength ? cleaned : cleaned[..MaxLength] + "…";
    }

    [GeneratedRegex(@"^\s*([245]\.\d{1,3}\.\d{1,3})(?=\s|$)")]
    private static partial Regex EnhancedCodeRegex();

    // Anything with an @ between non-space characters, with its angle brackets: enough to never echo a mailbox.
    [GeneratedRegex(@"<?[^\s<>@]*@[^\s<>]*>?")]
    private static partial Regex AddressRegex();

    [GeneratedRegex(@"\b\d{1,3}(?:\.\d{1,3}){3}\b")]
    private static partial Regex Ipv4Regex();

    // Bracketed literals, compressed forms (with ::) and the full eight groups; a time of day (12:30:45) stays.
    [GeneratedRegex(@"\[IPv6:[^\]]*\]|[0-9A-Fa-f:]*::[0-9A-Fa-f:]*|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b")]
    private static partial Regex Ipv6Regex();

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreakRegex();
}
