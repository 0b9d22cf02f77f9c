using System.Net;
using MimeKit;

namespace Broadsheet.Subscribers;

/// <summary>The double opt-in mail, in the language of the page the reader signed up on.</summary>
public static class ConfirmationMail
{
    public static MimeMessage Create(BroadsheetOptions options, string to, string language, string confirmUrl)
    {
        ArgumentNullException.ThrowIfNull(options);
        var arabic = language == Language.Arabic;
        var publication = options.PublicationNameIn(language);
        var subject = arabic ? $"أكّد اشتراكك في نشرة {publication}" : $"Confirm your subscription to {publication}";
        var lines = arabic
            ? new[]
            {
                "شكراً لاشتراكك في نشرتنا المجانية: أهم تقاريرنا وأخبارنا وتصاميمنا، مرتين في الشهر.",
                "لتأكيد اشتراكك، افتح الرابط التالي واضغط زر التأكيد:",
                "إن لم تطلب هذا الاشتراك فتجاهل هذه الرسالة، ولن نراسلك مجدداً. صلاحية الرابط سبعة أيام.",
            }
            : new[]
            {
                "Thank you for signing up to our free newsletter: our most important reports, news and designs, twice a month.",
                "To confirm, open this link and press the button on the page:",
                "If you did not ask for this, ignore this mail and we will not write again. The link works for seven days.",
            };
        var button = arabic ? "تأكيد الاشتراك" : "Confirm my subscription";

        var text = $"{lines[0]}\n\n{lines[1]}\n{confirmUrl}\n\n{lines[2]}\n\n— {publication}\n";
        var dir = Language.Direction(language);
        var align = arabic ? "right" : "left";
        var html = $"""
            <!DOCTYPE html>
            <html lang="{language}" dir="{dir}"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(subject)}</title></head>
            <body style="margin:0;padding:24px;background:#fbfaf7;font-family:Georgia,serif;color:#1d1d1b;direction:{dir};text-align:{align}">
            <p style="font-size:20px;font-weight:bold">{WebUtility.HtmlEncode(publication)}</p>
            <p>{WebUtility.HtmlEncode(lines[0])}</p>
            <p>{WebUtility.HtmlEncode(lines[1])}</p>
            <p><a href="{WebUtility.HtmlEncode(confirmUrl)}" style="display:inline-block;background:#1d1d1b;color:#ffffff;padding:12px 20px;text-decoration:none">{button}</a></p>
            <p style="color:#5d5a55;font-size:14px">{WebUtility.HtmlEncode(lines[2])}</p>
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
