using System.Globalization;
using System.Text;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// Turns one delivery into the message its recipient gets: the send's content with their own unsubscribe and
/// preferences links, the list headers a mail client needs for one-click unsubscribe, a Message-ID that is the same
/// on every attempt (so a retry after an unknown outcome is recognisable as the same mail), and the VERP sender.
/// </summary>
public sealed class DeliveryComposer(
    IOptions<BroadsheetOptions> options,
    AddressProtector protector,
    TokenSigner tokens,
    ReturnPath returnPath,
    DkimMessageSigner signer,
    TimeProvider time)
{
    private readonly BroadsheetOptions _options = options.Value;

    /// <param name="address">The subscriber's address, already decrypted by the caller (who needed it for the suppression check).</param>
    /// <returns>Null when the delivery can no longer be made (a confirmation whose link has expired or was used).</returns>
    public OutgoingMessage? Compose(Send send, DeliveryRecord delivery, Subscriber subscriber, string address)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentException.ThrowIfNullOrEmpty(address);

        var name = subscriber.NameEncrypted is null ? string.Empty : protector.Decrypt(subscriber.NameEncrypted);
        var site = _options.SiteUrl.TrimEnd('/');
        var from = MailboxAddress.Parse(_options.Mail.From);
        var domain = DomainOf(from.Address);
        var bounce = string.IsNullOrWhiteSpace(_options.Mail.BounceAddress) ? from.Address : MailboxAddress.Parse(_options.Mail.BounceAddress).Address;

        MimeMessage message;
        if (send.Kind == SendKind.Confirmation)
        {
            if (ConfirmationLink(subscriber, site) is not { } confirmUrl)
            {
                return null;
            }

            message = ConfirmationMail.Create(_options, address, send.Language, confirmUrl);
            message.To.Clear();
            message.To.Add(new MailboxAddress(name, address));
        }
        else
        {
            var manage = tokens.Create(SubscriptionService.ManagePurpose, subscriber.Id, lifetime: null);
            var unsubscribeUrl = $"{site}/unsubscribe/{manage}";
            var preferencesUrl = $"{site}/preferences/{manage}";
            message = new MimeMessage();
            message.From.Add(from);
            message.To.Add(new MailboxAddress(name, address));
            message.Subject = send.Subject;
            message.Body = new BodyBuilder
            {
                TextBody = Personalise(send.TextBody, unsubscribeUrl, preferencesUrl),
                HtmlBody = Personalise(send.HtmlBody, unsubscribeUrl, preferencesUrl),
            }.ToMessageBody();

            var listName = _options.PublicationNameIn(send.Language);
            message.Headers.Add(HeaderId.ListId, $"{Quote(listName)} <newsletter.{domain}>");

            // RFC 2369 and RFC 8058: the https link takes a one-click POST; mailto is for clients that only do mail.
            message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribeUrl}>, <mailto:{bounce}?subject=unsubscribe%20{manage}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            message.Headers.Add("Precedence", "bulk");
        }

        if (!string.IsNullOrWhiteSpace(_options.Mail.ReplyTo))
        {
            message.ReplyTo.Clear();
            message.ReplyTo.Add(MailboxAddress.Parse(_options.Mail.ReplyTo));
        }

        message.Date = time.GetUtcNow();
        message.MessageId = MessageIdFor(delivery, domain);
        signer.Sign(message);

        return new OutgoingMessage(message, returnPath.For(delivery.Id, bounce), new MailboxAddress(name, address));
    }

    /// <summary>Stable per delivery, and naming no one: <c>d123.s45@example.org</c>.</summary>
    public static string MessageIdFor(DeliveryRecord delivery, string domain)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return string.Create(CultureInfo.InvariantCulture, $"d{delivery.Id}.s{delivery.SendId}@{domain}");
    }

    /// <summary>The delivery id in a Message-ID we made, or null.</summary>
    public static long? DeliveryIdOf(string? messageId)
    {
        var id = messageId?.Trim().Trim('<', '>');
        if (id is null || !id.StartsWith('d'))
        {
            return null;
        }

        var dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot > 1 && long.TryParse(id.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private string? ConfirmationLink(Subscriber subscriber, string site)
    {
        // The link lives seven days from when the reader asked, however long the mail waited in the outbox.
        if (subscriber.Status != SubscriberStatus.Pending || subscriber.ConfirmationNonce is not { } nonce || subscriber.LastConfirmationSentAt is not { } asked)
        {
            return null;
        }

        var left = asked + SubscriptionService.ConfirmationLifetime - time.GetUtcNow().UtcDateTime;
        if (left <= TimeSpan.Zero)
        {
            return null;
        }

        return $"{site}/confirm/{tokens.Create(SubscriptionService.ConfirmPurpose, subscriber.Id, left, nonce)}";
    }

    private static string Personalise(string body, string unsubscribeUrl, string preferencesUrl) =>
        body.Replace(Send.UnsubscribeUrlPlaceholder, unsubscribeUrl, StringComparison.Ordinal)
            .Replace(Send.PreferencesUrlPlaceholder, preferencesUrl, StringComparison.Ordinal);

    // RFC 2919's list name is a phrase: quoted when it is ASCII, left bare otherwise so that MimeKit can encode it as
    // an RFC 2047 word (an encoded word may not stand inside quotes).
    private static string Quote(string text) => Ascii.IsValid(text)
        ? "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
        : text.Replace("\"", "", StringComparison.Ordinal);

    private static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];
}
