using Broadsheet.Delivery;
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
        var message = TransactionalMail.Create(options, to, language, subject, [lines[0], lines[1]], button, confirmUrl, lines[2]);
        return message;
    }
}
