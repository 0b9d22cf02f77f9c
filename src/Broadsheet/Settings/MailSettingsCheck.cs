using Broadsheet.Delivery;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Settings;

/// <summary>What the settings page asks of the mail machinery: a test message through the transport in use, and the DKIM record in use.</summary>
public sealed class MailSettingsCheck(IOptions<BroadsheetOptions> options, IMailTransport mail, DkimMessageSigner dkim, TimeProvider time)
{
    /// <summary>Sends a short test mail to <paramref name="to"/> through the transport in use, signed as newsletters are; answers with the server's reply.</summary>
    public async Task<TransportResult> SendTestAsync(string to, string language, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var publication = o.PublicationNameIn(language);
        var message = language == Language.Arabic
            ? TransactionalMail.Create(o, to, language, $"رسالة تجريبية من {publication}",
                ["هذه رسالة تجريبية من إعدادات البريد في لوحة التحرير.", "إن وصلتك فالإرسال يعمل. الموقع:"], "فتح الموقع", o.SiteUrl, "لا حاجة إلى أي إجراء.")
            : TransactionalMail.Create(o, to, language, $"Test message from {publication}",
                ["This is a test message from the mail settings in the admin.", "If it reached you, sending works. The site:"], "Open the site", o.SiteUrl, "Nothing to do.");
        var from = MailboxAddress.Parse(o.Mail.From);
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from.Domain);
        message.Date = time.GetUtcNow();
        if (o.Mail.ReplyTo.Length > 0)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(o.Mail.ReplyTo));
        }

        dkim.Sign(message);
        var envelope = string.IsNullOrWhiteSpace(o.Mail.BounceAddress) ? from : MailboxAddress.Parse(o.Mail.BounceAddress);
        return await mail.SendAsync(new OutgoingMessage(message, new MailboxAddress("", envelope.Address), new MailboxAddress("", to)), cancellationToken);
    }


    /// <summary>The DNS record of the configured DKIM key, or null when signing is off.</summary>
    public DkimDnsRecord? DkimRecord() =>
        dkim is { Enabled: true, Identity: { } identity, KeyFile: { } file } ? DkimKeyFile.ReadRecord(file, identity) : null;
}
