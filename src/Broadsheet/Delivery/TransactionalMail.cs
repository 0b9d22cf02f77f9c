using System.Net;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// The one layout of the short mails that ask their reader to press one link (a subscription to confirm, an
/// invitation to accept, a password to reset): a text part and a simple HTML part, right-to-left in Arabic.
/// </summary>
public static class TransactionalMail
{
    /// <param name="before">Paragraphs above the link.</param>
    /// <param name="after">A smaller note below it (why the mail came, how long the link works).</param>
    public static MimeMessage Create(
        BroadsheetOptions options, string to, string language, string subject, IReadOnlyList<string> before, string button, string url, string after)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(before);
        var publication = options.PublicationNameIn(language);
        var text = $"{string.Join("\n\n", before)}\n{url}\n\n{after}\n\n— {publication}\n";
        var dir = Language.Direction(language);
        var align = language == Language.Arabic ? "right" : "left";
        var paragraphs = string.Concat(before.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>\n"));
        var html = $"""
            <!DOCTYPE html>
            <html lang="{language}" dir="{dir}"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(subject)}</title></head>
            <body style="margin:0;padding:24px;background:#fbfaf7;font-family:Georgia,serif;color:#1d1d1b;direction:{dir};text-align:{align}">
            <p style="font-size:20px;font-weight:bold">{WebUtility.HtmlEncode(publication)}</p>
            {paragraphs}<p><a href="{WebUtility.HtmlEncode(url)}" style="display:inline-block;background:#1d1d1b;color:#ffffff;padding:12px 20px;text-decoration:none">{WebUtility.HtmlEncode(button)}</a></p>
            <p style="color:#5d5a55;font-size:14px">{WebUtility.HtmlEncode(after)}</p>
            </body></html>
            """;

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Mail.From));
        message.To.Add(new MailboxAddress(string.Empty, to));
        message.Subject = subject;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
