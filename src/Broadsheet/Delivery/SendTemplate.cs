using MimeKit;
using MimeKit.Text;

namespace Broadsheet.Delivery;

/// <summary>
/// What every reader of one send gets alike, worked out once per send instead of once per message: the From, Subject,
/// Reply-To, List-Id, List-Unsubscribe-Post and Precedence headers as MimeKit formats them, the bounce address and the
/// domain, and the multipart/alternative body as bytes: the boundary lines and part headers MimeKit formatted once, and
/// the text and HTML transfer-encoded with gaps for each reader's links (<see cref="PersonalisedBody"/>). Its content
/// never changes (<see cref="IsFor"/> only swaps a kept body string for an equal one), so every sending thread shares
/// it; each message gets copies of the headers and its own list of the body's pieces
/// (<see cref="PreparedBody"/>).
/// </summary>
internal sealed class SendTemplate
{
    private static readonly string[] Placeholders = [Send.UnsubscribeUrlPlaceholder, Send.PreferencesUrlPlaceholder];

    // What the template was made from, to know whether it still fits.
    private readonly string _subjectSetting;
    // Not readonly: IsFor keeps the instance it last found equal (see Same).
    private string _textBody;
    private string _htmlBody;
    private readonly string _language;
    private readonly string _fromSetting;
    private readonly string _replyToSetting;
    private readonly string _bounceSetting;
    private readonly string _siteSetting;
    private readonly string _listName;

    private readonly PersonalisedBody _text;
    private readonly PersonalisedBody _html;

    // The body around the two parts' content: one boundary for every reader of the send (it is random, and no
    // quoted-printable or base64 line can hold it: it starts with "=-"), each part's headers, the closing line.
    private readonly string _boundary;
    private readonly ArraySegment<byte> _textHead;
    private readonly ArraySegment<byte> _htmlHead;
    private readonly ArraySegment<byte> _close;

    // The headers that are the same in every message, as MimeKit formatted them once (RFC 2047 words for an Arabic
    // subject or name, folding); each message gets copies of them, which MimeKit writes as they are.
    private readonly Header _from;
    private readonly Header _subject;
    private readonly Header _listId;
    private readonly Header _listUnsubscribePost;
    private readonly Header _precedence;
    private readonly Header? _replyTo;
    private readonly Header _messageIdToReplace;

    private SendTemplate(Send send, MailOptions mail, string siteUrl, string listName, string quotedListName)
    {
        _subjectSetting = send.Subject;
        _textBody = send.TextBody;
        _htmlBody = send.HtmlBody;
        _language = send.Language;
        _fromSetting = mail.From;
        _replyToSetting = mail.ReplyTo;
        _bounceSetting = mail.BounceAddress;
        _siteSetting = siteUrl;
        _listName = listName;

        var from = MailboxAddress.Parse(mail.From);
        Domain = DeliveryComposer.DomainOf(from.Address);
        Bounce = string.IsNullOrWhiteSpace(mail.BounceAddress) ? from.Address : MailboxAddress.Parse(mail.BounceAddress).Address;
        Site = siteUrl.TrimEnd('/');
        _text = PersonalisedBody.Create(send.TextBody, Placeholders);
        _html = PersonalisedBody.Create(send.HtmlBody, Placeholders);
        _boundary = new MultipartAlternative().Boundary!;
        _textHead = PartHead(first: true, TextFormat.Plain, _text.Encoding);
        _htmlHead = PartHead(first: false, TextFormat.Html, _html.Encoding);
        _close = System.Text.Encoding.ASCII.GetBytes($"\r\n--{_boundary}--\r\n");

        // Made by the very calls that used to make them for each message, so they are the same to the byte.
        var model = new MimeMessage();
        model.From.Add(from);
        model.Subject = send.Subject;
        model.MessageId = $"d0.s0@{Domain}";
        model.Headers.Add(HeaderId.ListId, $"{quotedListName} <newsletter.{Domain}>");
        model.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        model.Headers.Add("Precedence", "bulk");
        if (!string.IsNullOrWhiteSpace(mail.ReplyTo))
        {
            model.ReplyTo.Add(MailboxAddress.Parse(mail.ReplyTo));
            _replyTo = Single(model, HeaderId.ReplyTo);
        }

        _from = Single(model, HeaderId.From);
        _subject = Single(model, HeaderId.Subject);
        _messageIdToReplace = Single(model, HeaderId.MessageId);
        _listId = Single(model, HeaderId.ListId);
        _listUnsubscribePost = model.Headers.Single(h => h.Field == "List-Unsubscribe-Post");
        _precedence = model.Headers.Single(h => h.Field == "Precedence");
    }

    /// <summary>The From address's domain: Message-IDs and the List-Id are made in it.</summary>
    public string Domain { get; }

    /// <summary>The address bounces and mailto unsubscribes go to; each delivery's VERP sender is made from it.</summary>
    public string Bounce { get; }

    /// <summary>The site's address without a trailing slash.</summary>
    public string Site { get; }

    public static SendTemplate Create(Send send, MailOptions mail, string siteUrl, string listName, string quotedListName)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(mail);
        return new SendTemplate(send, mail, siteUrl, listName, quotedListName);
    }

    /// <summary>Whether this template was made from this very content and these settings.</summary>
    public bool IsFor(Send send, MailOptions mail, string siteUrl, string listName) =>
        string.Equals(_subjectSetting, send.Subject, StringComparison.Ordinal)
        && string.Equals(_language, send.Language, StringComparison.Ordinal)
        && string.Equals(_fromSetting, mail.From, StringComparison.Ordinal)
        && string.Equals(_replyToSetting, mail.ReplyTo, StringComparison.Ordinal)
        && string.Equals(_bounceSetting, mail.BounceAddress, StringComparison.Ordinal)
        && string.Equals(_siteSetting, siteUrl, StringComparison.Ordinal)
        && string.Equals(_listName, listName, StringComparison.Ordinal)
        && Same(ref _textBody, send.TextBody)
        && Same(ref _htmlBody, send.HtmlBody);

    // Each claimed batch loads its send anew, so every message of a batch brings the same body strings: once found
    // equal, the batch's instance is kept and the rest of the batch compares by reference instead of comparing two
    // long bodies byte by byte per message. Threads that race here store equal strings.
    private static bool Same(ref string kept, string value)
    {
        if (ReferenceEquals(kept, value))
        {
            return true;
        }

        if (!string.Equals(kept, value, StringComparison.Ordinal))
        {
            return false;
        }

        kept = value;
        return true;
    }

    /// <summary>
    /// One reader's message, unsigned, with its headers in the order the composer always wrote them: From, Date,
    /// Subject, Message-Id, To, List-Id, List-Unsubscribe, List-Unsubscribe-Post, Precedence, Reply-To (then
    /// MIME-Version and the body's Content-Type, which MimeKit adds).
    /// </summary>
    public MimeMessage Message(MailboxAddress to, Header date, string messageId, string unsubscribeUrl, string preferencesUrl, string manage)
    {
        // Given its From, Date, Subject and Message-Id, MimeKit makes none of its own (a Message-Id of its own costs a
        // random number and the host name); the placeholder Message-Id is replaced in its place below.
        var message = new MimeMessage((IEnumerable<Header>)[_from.Clone(), date.Clone(), _subject.Clone(), _messageIdToReplace.Clone()]);
        message.To.Add(to);
        message.Body = Body(unsubscribeUrl, preferencesUrl);
        message.Headers.Add(_listId.Clone());

        // RFC 2369 and RFC 8058: the https link takes a one-click POST; mailto is for clients that only do mail.
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribeUrl}>, <mailto:{Bounce}?subject=unsubscribe%20{manage}>");
        message.Headers.Add(_listUnsubscribePost.Clone());
        message.Headers.Add(_precedence.Clone());
        if (_replyTo is not null)
        {
            message.Headers.Add(_replyTo.Clone());
        }

        message.MessageId = messageId;
        return message;
    }

    /// <summary>The Date header MimeKit writes for <paramref name="now"/> (to the second); one a second is enough.</summary>
    public static Header DateHeader(DateTimeOffset now)
    {
        var model = new MimeMessage { Date = now };
        return Single(model, HeaderId.Date);
    }

    /// <summary>The multipart/alternative body (text, then HTML) with this reader's links in place of the placeholders.</summary>
    public PreparedBody Body(string unsubscribeUrl, string preferencesUrl)
    {
        var segments = new List<ArraySegment<byte>>(16) { _textHead };
        var textLinks = Links(_text.Encoding);
        _text.AppendTo(segments, textLinks);
        segments.Add(_htmlHead);
        // Both bodies usually share an encoding, and so the encoded links.
        _html.AppendTo(segments, _html.Encoding == _text.Encoding ? textLinks : Links(_html.Encoding));
        segments.Add(_close);
        return new PreparedBody(_boundary, [.. segments]);

        byte[][] Links(ContentEncoding encoding) =>
            [PersonalisedBody.EncodeLink(unsubscribeUrl, encoding), PersonalisedBody.EncodeLink(preferencesUrl, encoding)];
    }

    // A part's delimiter line and headers (as MimeKit formats them for a UTF-8 text part), then the blank line.
    private ArraySegment<byte> PartHead(bool first, TextFormat format, ContentEncoding encoding)
    {
        var part = new TextPart(format) { ContentTransferEncoding = encoding };
        part.ContentType.Charset = "utf-8";
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        using var stream = new MemoryStream();
        var delimiter = System.Text.Encoding.ASCII.GetBytes((first ? "" : "\r\n") + "--" + _boundary + "\r\n");
        stream.Write(delimiter);
        part.Headers.WriteTo(options, stream);
        return stream.ToArray();
    }

    private static Header Single(MimeMessage message, HeaderId id) => message.Headers.Single(h => h.Id == id);
}
