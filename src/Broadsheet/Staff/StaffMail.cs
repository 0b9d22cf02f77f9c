using Broadsheet.Delivery;
using MimeKit;

namespace Broadsheet.Staff;

/// <summary>The two mails the admin sends to staff, in the language chosen for them. Sent straight to the transport: they are not newsletters.</summary>
public static class StaffMail
{
    public static OutgoingMessage Invitation(BroadsheetOptions options, DateTimeOffset date, string to, string language, string inviter, StaffRole role, string url)
    {
        ArgumentNullException.ThrowIfNull(options);
        var arabic = language == Language.Arabic;
        var publication = options.PublicationNameIn(language);
        var roleName = RoleName(role, language);
        var message = arabic
            ? TransactionalMail.Create(options, to, language, $"دعوة للانضمام إلى فريق {publication}",
                [$"يدعوك {inviter} إلى لوحة تحرير {publication} بصفة {roleName}.", "لإنشاء حسابك، افتح الرابط واختر اسمك وكلمة مرور:"],
                "قبول الدعوة", url, "صلاحية الرابط سبعة أيام، ويعمل مرة واحدة. إن لم تتوقع هذه الدعوة فتجاهل الرسالة.")
            : TransactionalMail.Create(options, to, language, $"Join the {publication} newsroom",
                [$"{inviter} has invited you to the {publication} admin as {roleName}.", "To make your account, open the link and choose your name and a password:"],
                "Accept the invitation", url, "The link works once, for seven days. If you did not expect this, ignore this mail.");
        return Wrap(options, message, date, to);
    }

    public static OutgoingMessage PasswordReset(BroadsheetOptions options, DateTimeOffset date, string to, string language, string url)
    {
        ArgumentNullException.ThrowIfNull(options);
        var publication = options.PublicationNameIn(language);
        var message = language == Language.Arabic
            ? TransactionalMail.Create(options, to, language, $"إعادة تعيين كلمة المرور في {publication}",
                ["طلب أحدهم إعادة تعيين كلمة مرور حسابك في لوحة التحرير.", "لاختيار كلمة مرور جديدة افتح الرابط:"],
                "اختيار كلمة مرور جديدة", url, "صلاحية الرابط ساعة واحدة، ويعمل مرة واحدة. إن لم تطلب ذلك فتجاهل الرسالة وستبقى كلمة مرورك كما هي.")
            : TransactionalMail.Create(options, to, language, $"Reset your {publication} password",
                ["Someone asked to reset the password of your admin account.", "To choose a new password, open the link:"],
                "Choose a new password", url, "The link works once, for one hour. If you did not ask for this, ignore this mail and your password stays as it is.");
        return Wrap(options, message, date, to);
    }

    public static string RoleName(StaffRole role, string language) => (role, language == Language.Arabic) switch
    {
        (StaffRole.Owner, false) => "owner",
        (StaffRole.Administrator, false) => "administrator",
        (StaffRole.Editor, false) => "editor",
        (StaffRole.Author, false) => "author",
        (StaffRole.Contributor, false) => "contributor",
        (StaffRole.Owner, true) => "مالك",
        (StaffRole.Administrator, true) => "مدير",
        (StaffRole.Editor, true) => "محرر",
        (StaffRole.Author, true) => "كاتب",
        (StaffRole.Contributor, true) => "مساهم",
        _ => role.ToString(),
    };

    private static OutgoingMessage Wrap(BroadsheetOptions options, MimeMessage message, DateTimeOffset date, string to)
    {
        var from = MailboxAddress.Parse(options.Mail.From);
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain);
        message.Date = date;
        var envelope = string.IsNullOrWhiteSpace(options.Mail.BounceAddress) ? from : MailboxAddress.Parse(options.Mail.BounceAddress);
        return new OutgoingMessage(message, new MailboxAddress("", envelope.Address), new MailboxAddress("", to));
    }
}
