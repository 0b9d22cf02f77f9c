using System.Collections.Concurrent;
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
    // Sends that run at the same time are few (a digest's languages, a campaign); confirmations are not kept here.
    private const int MaxTemplates = 16;

    private readonly BroadsheetOptions _options = options.Value;
    private readonly ConcurrentDictionary<long, SendTemplate> _templates = new();
    private volatile DatedHeader? _date;

    /// <param name="address">The subscriber's address, already decrypted by the caller (who needed it for the suppression check).</param>
    /// <returns>Null when the delivery can no longer be made (a confirmation whose link has expired or was used).</returns>
    public OutgoingMessage? Compose(Send send, DeliveryRecord delivery, Subscriber subscriber, string address)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentException.ThrowIfNullOrEmpty(address);

        var name = subscriber.NameEncrypted is null ? string.Empty : protector.Decrypt(subscriber.NameEncrypted);
        var mail = _options.Mail;
        if (send.Kind == SendKind.Confirmation)
        {
            return ComposeConfirmation(send, delivery, subscriber, name, address, mail);
        }

        var template = TemplateFor(send, mail);
        var manage = tokens.Create(SubscriptionService.ManagePurpose, subscriber.Id, lifetime: null);
        var unsubscribeUrl = $"{template.Site}/unsubscribe/{manage}";
        var preferencesUrl = $"{template.Site}/preferences/{manage}";
        var to = new MailboxAddress(name, address);
        var message = template.Message(to, DateHeader(), MessageIdFor(delivery, template.Domain), unsubscribeUrl, preferencesUrl, manage);
        signer.Sign(message);

        // The To address serves as the envelope's recipient too: MailKit only reads it.
        return new OutgoingMessage(message, returnPath.For(delivery.Id, template.Bounce), to);
    }

    // The Date header of this second, made once a second rather than once a message.
    private Header DateHeader()
    {
        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var current = _date;
        if (current is null || current.Second != second)
        {
            current = new DatedHeader(second, SendTemplate.DateHeader(now));
            _date = current;
        }

        return current.Header;
    }

    private sealed record DatedHeader(long Second, Header Header);

    // The confirmation mail as it always was: one per reader, nothing to share between them.
    private OutgoingMessage? ComposeConfirmation(Send send, DeliveryRecord delivery, Subscriber subscriber, string name, string address, MailOptions mail)
    {
        var site = _options.SiteUrl.TrimEnd('/');
        var from = MailboxAddress.Parse(mail.From);
        var domain = DomainOf(from.Address);
        var bounce = string.IsNullOrWhiteSpace(mail.BounceAddress) ? from.Address : MailboxAddress.Parse(mail.BounceAddress).Address;
        if (ConfirmationLink(subscriber, site) is not { } confirmUrl)
        {
            return null;
        }

        var message = ConfirmationMail.Create(_options, address, send.Language, confirmUrl);
        message.To.Clear();
        message.To.Add(new MailboxAddress(name, address));
        if (!string.IsNullOrWhiteSpace(mail.ReplyTo))
        {
            message.ReplyTo.Clear();
            message.ReplyTo.Add(MailboxAddress.Parse(mail.ReplyTo));
        }

        message.Date = time.GetUtcNow();
        message.MessageId = MessageIdFor(delivery, domain);
        signer.Sign(message);

        return new OutgoingMessage(message, returnPath.For(delivery.Id, bounce), new MailboxAddress(name, address));
    }

    // One template per running send, made by its first message and checked by every other against the send and the
    // settings (ordinal string comparisons: a memory compare of the bodies, as each claimed batch loads the send anew),
    // so a changed setting or a send whose content changed is never composed from an old one.
    private SendTemplate TemplateFor(Send send, MailOptions mail)
    {
        var listName = _options.PublicationNameIn(send.Language);
        if (_templates.TryGetValue(send.Id, out var cached) && cached.IsFor(send, mail, _options.SiteUrl, listName))
        {
            return cached;
        }

        var template = SendTemplate.Create(send, mail, _options.SiteUrl, listName, Quote(listName));
        if (_templates.Count >= MaxTemplates)
        {
            _templates.Clear();
        }

        _templates[send.Id] = template;
        return template;
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

    // RFC 2919's list name is a phrase: quoted when it is ASCII, left bare otherwise so that MimeKit can encode it as
    // an RFC 2047 word (an encoded word may not stand inside quotes).
    private static string Quote(string text) => Ascii.IsValid(text)
        ? "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
        : text.Replace("\"", "", StringComparison.Ordinal);

    internal static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];
}
