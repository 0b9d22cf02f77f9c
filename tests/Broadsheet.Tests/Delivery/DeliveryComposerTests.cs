using System.Security.Cryptography;
using System.Text;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;

namespace Broadsheet.Tests.Delivery;

/// <summary>
/// The composer encodes each send's bodies once and splices every reader's links into the encoded text. These tests
/// hold it to the message the composer used to build for each reader from scratch (a MimeKit BodyBuilder over the
/// bodies with the links put in by string replacement, kept below as <see cref="Reference"/>): written out as MailKit
/// writes it and parsed back, the same decoded text and HTML, the same headers to the byte, in English and Arabic,
/// with links longer than a line and placeholders wherever an editor may put them; and, signed, a DKIM signature that
/// MimeKit's verifier accepts.
/// </summary>
public sealed class DeliveryComposerTests : IDisposable
{
    private const string Domain = "ledger.example";
    private const string Selector = "news1";
    private const string From = "\"The Ledger\" <newsletter@ledger.example>";
    private const string ArabicFrom = "الدفتر <newsletter@ledger.example>";

    private static readonly DateTimeOffset Now = new(2026, 6, 15, 7, 30, 0, TimeSpan.Zero);

    private static readonly string EnglishText =
        "THE LEDGER\n\nDear reader,\n\nOur reporters finished a year-long investigation into the well permits of three river towns. "
        + "This line is long on purpose so that quoted-printable must break it more than once, and = signs and trailing spaces   \n"
        + "From the archive: a line that starts with From and one with a dot follows\n.\n"
        + "Unsubscribe: {{unsubscribe_url}}\nPreferences: {{preferences_url}}\n";

    private static readonly string EnglishHtml =
        "<!doctype html><html lang=\"en\"><body><h1 style=\"font-family: Georgia, serif; color: #222\">The Ledger</h1>"
        + "<p>Who owns the wells: the permit register the towns never published. \u2014 a dash, \u201cquotes\u201d and caf\u00e9.</p>\n"
        + "<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a> \u00b7 <a href=\"{{preferences_url}}\">Preferences</a></p></body></html>";

    private static readonly string ArabicSubject = "الدفتر: ما جرى في النصف الأول من حزيران";

    private static readonly string ArabicText =
        "أهم ما نشرناه هذا الأسبوع: تحقيق عن أسعار الخبز، وخريطة جديدة للطرق المقطوعة في الجنوب والشمال.\n\n"
        + "لإلغاء الاشتراك: {{unsubscribe_url}}\nلتغيير تفضيلاتك: {{preferences_url}}\n";

    private static readonly string ArabicHtml =
        "<div dir=\"rtl\" lang=\"ar\"><h1>الدفتر</h1><p>تحقيق عن أسعار الخبز، وخريطة جديدة للطرق المقطوعة.</p>"
        + "<p><a href=\"{{unsubscribe_url}}\">إلغاء الاشتراك</a> · <a href=\"{{preferences_url}}\">التفضيلات</a></p></div>";

    private readonly string _directory = Directory.CreateTempSubdirectory("broadsheet-composer-").FullName;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly PrivacyKeys _keys = PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, string, string, string> Bodies => new()
    {
        // language, subject, text, html, site
        { "en", "The Ledger: what happened this fortnight", EnglishText, EnglishHtml, "https://ledger.example" },
        { "ar", ArabicSubject, ArabicText, ArabicHtml, "https://ledger.example/" },
        // A site address long enough that each link is longer than a quoted-printable line.
        { "en", "Long links", EnglishText, EnglishHtml, "https://newsletters.ledger.example/a/very/long/path/that/goes/on/and/on/for/the/sake/of/the/test" },
        // Placeholders at the very start and end, next to each other, and twice.
        { "en", "Edges", "{{unsubscribe_url}}{{preferences_url}} middle {{unsubscribe_url}}\n\n{{preferences_url}}", "{{preferences_url}}<p>x</p>{{unsubscribe_url}}", "https://ledger.example" },
        // No placeholder at all, Windows line ends, a trailing space before a line break and at the very end.
        { "en", "Plain", "First line \r\nSecond line\r\n\r\nLast words ", "<p>No links here</p>\r\n", "https://ledger.example" },
        { "ar", ArabicSubject, "{{unsubscribe_url}}" + ArabicText + "{{preferences_url}}", "{{unsubscribe_url}}" + ArabicHtml, "https://ledger.example" },
        // Mostly ASCII with some Arabic: quoted-printable rather than base64.
        { "en", "Mixed", EnglishText + "\nاقرأ بالعربية\n", EnglishHtml, "https://ledger.example" },
        // Empty bodies.
        { "en", "Empty", "", "", "https://ledger.example" },
        // A bare carriage return, a tab and spaces right before and after the links.
        { "en", "Whitespace", "x\r{{unsubscribe_url}}\r\ny \t{{preferences_url}}\t\n  {{unsubscribe_url}}  ", "<a href=\"{{unsubscribe_url}}\"> </a> \r\n{{preferences_url}} ", "https://ledger.example" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_composed_message_reads_as_the_one_built_from_scratch(string language, string subject, string text, string html, string site)
    {
        var options = Options(site, language == "ar" ? ArabicFrom : From, replyTo: language == "ar" ? "غرفة الأخبار <desk@ledger.example>" : "desk@ledger.example");
        var composer = Composer(options, out var protector);
        var send = NewSend(language, subject, text, html);
        var (subscriber, address) = Reader(protector, language == "ar" ? "قارئة من الجنوب" : "Reader \"One\"");

        var outgoing = composer.Compose(send, new DeliveryRecord { Id = 41, SendId = send.Id }, subscriber, address)!;
        var manage = ManageToken(outgoing.Mime);
        var expected = Reference(options.Value, send, 41, address, protector.Decrypt(subscriber.NameEncrypted!), manage);

        var received = await ParseAsync(Wire(outgoing.Mime));
        var referenceReceived = await ParseAsync(Wire(expected));

        // The same decoded bodies, with this reader's links in them.
        Assert.Equal(referenceReceived.TextBody ?? "", received.TextBody ?? "");
        Assert.Equal(referenceReceived.HtmlBody ?? "", received.HtmlBody ?? "");
        var unsubscribe = $"{site.TrimEnd('/')}/unsubscribe/{manage}";
        if (text.Contains(Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder, StringComparison.Ordinal))
        {
            Assert.Contains(unsubscribe, received.TextBody, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{{", received.TextBody ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("{{", received.HtmlBody ?? "", StringComparison.Ordinal);

        // The same headers, in the same order, to the byte (only the multipart boundary is random).
        Assert.Equal(Headers(expected), Headers(outgoing.Mime));
        Assert.Equal(subject, received.Subject);
        Assert.Equal(protector.Decrypt(subscriber.NameEncrypted!), received.To.Mailboxes.Single().Name);
        Assert.Equal(address, received.To.Mailboxes.Single().Address);
        Assert.Equal($"<{unsubscribe}>, <mailto:newsletter@ledger.example?subject=unsubscribe%20{manage}>", received.Headers[HeaderId.ListUnsubscribe]);
        Assert.Equal("List-Unsubscribe=One-Click", received.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("d41.s9@ledger.example", received.MessageId);
        Assert.Equal(Now, received.Date);

        // multipart/alternative, text then HTML, both UTF-8, both safe for any relay (7-bit, short lines).
        var body = Assert.IsType<MultipartAlternative>(received.Body);
        Assert.Equal(["text/plain", "text/html"], body.Select(p => p.ContentType.MimeType));
        Assert.All(body.OfType<TextPart>(), part =>
        {
            Assert.Equal("utf-8", part.ContentType.Charset);
            Assert.Contains(part.ContentTransferEncoding, new[] { ContentEncoding.QuotedPrintable, ContentEncoding.Base64 });
        });
        var wire = Wire(outgoing.Mime);
        Assert.All(wire, b => Assert.True(b < 0x80, "the message is not 7-bit"));
        var written = Encoding.ASCII.GetString(wire);
        var bodyStart = written.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.All(written[bodyStart..].Split("\r\n"), line => Assert.True(line.Length <= 78, $"line of {line.Length}: {line}"));

        // The envelope: VERP sender, and the reader.
        Assert.StartsWith("newsletter+d41-", outgoing.EnvelopeSender.Address, StringComparison.Ordinal);
        Assert.Equal(address, outgoing.Recipient.Address);
    }

    [Fact]
    public async Task An_arabic_edition_goes_as_base64_and_an_english_one_as_quoted_printable()
    {
        var options = Options("https://ledger.example", From);
        var composer = Composer(options, out var protector);
        var (subscriber, address) = Reader(protector, "Reader");

        var arabic = composer.Compose(NewSend("ar", ArabicSubject, ArabicText, ArabicHtml, id: 1), new DeliveryRecord { Id = 1, SendId = 1 }, subscriber, address)!;
        var english = composer.Compose(NewSend("en", "News", EnglishText, EnglishHtml, id: 2), new DeliveryRecord { Id = 2, SendId = 2 }, subscriber, address)!;

        Assert.All((await ParseAsync(Wire(arabic.Mime))).BodyParts.OfType<MimePart>(), p => Assert.Equal(ContentEncoding.Base64, p.ContentTransferEncoding));
        Assert.All((await ParseAsync(Wire(english.Mime))).BodyParts.OfType<MimePart>(), p => Assert.Equal(ContentEncoding.QuotedPrintable, p.ContentTransferEncoding));
    }

    [Fact]
    public async Task Each_reader_gets_their_own_links_and_the_same_delivery_the_same_message_id()
    {
        var options = Options("https://ledger.example", From);
        var composer = Composer(options, out var protector);
        var send = NewSend("en", "News", EnglishText, EnglishHtml);
        var (first, firstAddress) = Reader(protector, "First", id: 1);
        var (second, secondAddress) = Reader(protector, "Second", id: 2);

        var one = composer.Compose(send, new DeliveryRecord { Id = 1, SendId = send.Id }, first, firstAddress)!;
        var two = composer.Compose(send, new DeliveryRecord { Id = 2, SendId = send.Id }, second, secondAddress)!;
        var again = composer.Compose(send, new DeliveryRecord { Id = 1, SendId = send.Id }, first, firstAddress)!;

        var oneText = (await ParseAsync(Wire(one.Mime))).TextBody;
        var twoText = (await ParseAsync(Wire(two.Mime))).TextBody;
        Assert.Contains(ManageToken(one.Mime), oneText, StringComparison.Ordinal);
        Assert.Contains(ManageToken(two.Mime), twoText, StringComparison.Ordinal);
        Assert.DoesNotContain(ManageToken(one.Mime), twoText, StringComparison.Ordinal);
        Assert.Equal(one.Mime.MessageId, again.Mime.MessageId);
        Assert.NotEqual(one.Mime.MessageId, two.Mime.MessageId);

        // Written twice (MailKit measures the message, then sends it): the same bytes both times.
        Assert.Equal(Wire(one.Mime), Wire(one.Mime));
    }

    [Fact]
    public async Task A_send_whose_content_or_settings_changed_is_composed_afresh()
    {
        var options = Options("https://ledger.example", From);
        var composer = Composer(options, out var protector);
        var (subscriber, address) = Reader(protector, "Reader");
        var send = NewSend("en", "News", "Old words {{unsubscribe_url}}", "<p>Old</p>");
        _ = composer.Compose(send, new DeliveryRecord { Id = 1, SendId = send.Id }, subscriber, address);

        // The same send loaded again with other content (an edit before a resume), and a new From in the settings.
        var edited = NewSend("en", "News, corrected", "New words {{unsubscribe_url}}", "<p>New</p>");
        options.Value.Mail.From = "Desk <desk@ledger.example>";
        var message = await ParseAsync(Wire(composer.Compose(edited, new DeliveryRecord { Id = 2, SendId = send.Id }, subscriber, address)!.Mime));

        Assert.StartsWith("New words https://ledger.example/unsubscribe/", message.TextBody, StringComparison.Ordinal);
        Assert.Equal("<p>New</p>", message.HtmlBody);
        Assert.Equal("News, corrected", message.Subject);
        Assert.Equal("desk@ledger.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("d2.s9@ledger.example", message.MessageId);

        // Loaded once more with the same text but a corrected HTML body only: the text matches (another instance of
        // the same string), the HTML does not, and the message has the new HTML.
        var corrected = NewSend("en", "News, corrected", new string("New words {{unsubscribe_url}}".AsSpan()), "<p>Newer</p>");
        var again = await ParseAsync(Wire(composer.Compose(corrected, new DeliveryRecord { Id = 3, SendId = send.Id }, subscriber, address)!.Mime));
        Assert.Equal("<p>Newer</p>", again.HtmlBody);
        Assert.StartsWith("New words https://ledger.example/unsubscribe/", again.TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ar")]
    public async Task A_signed_message_verifies_and_signs_the_same_headers(string language)
    {
        var identity = DkimIdentity.TryCreate(Domain, Selector, out var made, out var problem) ? made : throw new InvalidOperationException(problem);
        var record = DkimKeyFile.Create(DkimKeyFile.DefaultPath(_directory, identity), identity, overwrite: false);
        var options = Options("https://ledger.example", language == "ar" ? ArabicFrom : From, replyTo: "desk@ledger.example");
        options.Value.Mail.Dkim = new DkimOptions { Domain = Domain, Selector = Selector };
        var composer = Composer(options, out var protector);
        var (subscriber, address) = Reader(protector, language == "ar" ? "قارئة" : "Reader");
        var send = language == "ar" ? NewSend("ar", ArabicSubject, ArabicText, ArabicHtml) : NewSend("en", "News", EnglishText, EnglishHtml);

        var outgoing = composer.Compose(send, new DeliveryRecord { Id = 5, SendId = send.Id }, subscriber, address)!;
        var wire = Wire(outgoing.Mime);
        var received = await ParseAsync(wire);
        var signature = received.Headers.Single(h => h.Id == HeaderId.DkimSignature);

        Assert.True(await new DkimVerifier(new DkimTests.PublishedRecordLocator(record)).VerifyAsync(received, signature, Ct));
        var signed = signature.Value.Split(';').Select(t => t.Trim()).Single(t => t.StartsWith("h=", StringComparison.Ordinal))[2..]
            .Split(':').Select(h => h.Trim()).ToList();
        Assert.Equal(
            ["from", "from", "reply-to", "to", "subject", "subject", "date", "message-id", "mime-version", "content-type", "list-id", "list-unsubscribe", "list-unsubscribe-post"],
            signed.Select(h => h.ToLowerInvariant()));

        // Signed a second time (a retry), it still verifies, with one signature.
        var again = composer.Compose(send, new DeliveryRecord { Id = 5, SendId = send.Id }, subscriber, address)!;
        var twice = await ParseAsync(Wire(again.Mime));
        Assert.Single(twice.Headers, h => h.Id == HeaderId.DkimSignature);
        Assert.True(await new DkimVerifier(new DkimTests.PublishedRecordLocator(record)).VerifyAsync(twice, twice.Headers.Single(h => h.Id == HeaderId.DkimSignature), Ct));
    }

    [Fact]
    public async Task The_outbox_folder_gets_the_whole_message()
    {
        var options = Options("https://ledger.example", From);
        var composer = Composer(options, out var protector);
        var (subscriber, address) = Reader(protector, "Reader");
        var outgoing = composer.Compose(NewSend("en", "News", EnglishText, EnglishHtml), new DeliveryRecord { Id = 3, SendId = 9 }, subscriber, address)!;
        var outbox = new OutboxFolderTransport(_directory, _time);

        await outbox.SendAsync(outgoing, Ct);

        var saved = await MimeMessage.LoadAsync(outbox.List().Single(), Ct);
        Assert.Equal((await ParseAsync(Wire(outgoing.Mime))).TextBody, saved.TextBody);
        Assert.Contains(ManageToken(outgoing.Mime), saved.HtmlBody, StringComparison.Ordinal);
    }

    // The composition as it was before the send's bodies were encoded once: kept here as the yardstick.
    private static MimeMessage Reference(BroadsheetOptions options, Send send, long deliveryId, string address, string name, string manage)
    {
        var site = options.SiteUrl.TrimEnd('/');
        var from = MailboxAddress.Parse(options.Mail.From);
        var domain = from.Address[(from.Address.LastIndexOf('@') + 1)..];
        var bounce = string.IsNullOrWhiteSpace(options.Mail.BounceAddress) ? from.Address : MailboxAddress.Parse(options.Mail.BounceAddress).Address;
        var unsubscribeUrl = $"{site}/unsubscribe/{manage}";
        var preferencesUrl = $"{site}/preferences/{manage}";
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(name, address));
        message.Subject = send.Subject;
        message.Body = new BodyBuilder
        {
            TextBody = send.TextBody.Replace(Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder, unsubscribeUrl, StringComparison.Ordinal).Replace(Broadsheet.Delivery.Send.PreferencesUrlPlaceholder, preferencesUrl, StringComparison.Ordinal),
            HtmlBody = send.HtmlBody.Replace(Broadsheet.Delivery.Send.UnsubscribeUrlPlaceholder, unsubscribeUrl, StringComparison.Ordinal).Replace(Broadsheet.Delivery.Send.PreferencesUrlPlaceholder, preferencesUrl, StringComparison.Ordinal),
        }.ToMessageBody();
        var listName = options.PublicationNameIn(send.Language);
        var quoted = Ascii.IsValid(listName) ? "\"" + listName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : listName.Replace("\"", "", StringComparison.Ordinal);
        message.Headers.Add(HeaderId.ListId, $"{quoted} <newsletter.{domain}>");
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribeUrl}>, <mailto:{bounce}?subject=unsubscribe%20{manage}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Precedence", "bulk");
        if (!string.IsNullOrWhiteSpace(options.Mail.ReplyTo))
        {
            message.ReplyTo.Clear();
            message.ReplyTo.Add(MailboxAddress.Parse(options.Mail.ReplyTo));
        }

        message.Date = Now;
        message.MessageId = $"d{deliveryId}.s{send.Id}@{domain}";
        return message;
    }

    private static List<string> Headers(MimeMessage message) =>
        message.Headers.Where(h => h.Id != HeaderId.DkimSignature).Select(h => h.Field + ":" + Encoding.UTF8.GetString(h.RawValue)).ToList();

    private static string ManageToken(MimeMessage message)
    {
        var value = message.Headers[HeaderId.ListUnsubscribe] ?? throw new InvalidOperationException("No List-Unsubscribe.");
        var start = value.IndexOf("/unsubscribe/", StringComparison.Ordinal) + "/unsubscribe/".Length;
        return value[start..value.IndexOf('>', start)];
    }

    // As MailKit sends it: prepared for the relay unless signed (then as it is), written with CRLF line ends.
    private static byte[] Wire(MimeMessage message)
    {
        if (!message.Headers.Contains(HeaderId.DkimSignature))
        {
            message.Prepare(EncodingConstraint.EightBit, 998);
        }

        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        using var stream = new MemoryStream();
        message.WriteTo(format, stream, Ct);
        return stream.ToArray();
    }

    private static async Task<MimeMessage> ParseAsync(byte[] wire) => await MimeMessage.LoadAsync(new MemoryStream(wire), Ct);

    private IOptions<BroadsheetOptions> Options(string site, string from, string replyTo = "") =>
        Microsoft.Extensions.Options.Options.Create(new BroadsheetOptions
        {
            DataDirectory = _directory,
            SiteUrl = site,
            PublicationName = new Dictionary<string, string> { ["en"] = "The \"Ledger\"", ["ar"] = "الدفتر" },
            Mail = new MailOptions { From = from, ReplyTo = replyTo },
        });

    private DeliveryComposer Composer(IOptions<BroadsheetOptions> options, out AddressProtector protector)
    {
        protector = new AddressProtector(_keys);
        return new DeliveryComposer(options, protector, new TokenSigner(_keys, _time), new ReturnPath(_keys), new DkimMessageSigner(options, _time), _time);
    }

    private static Send NewSend(string language, string subject, string text, string html, long id = 9) =>
        new() { Id = id, Kind = SendKind.Campaign, Status = SendStatus.Sending, Language = language, Subject = subject, TextBody = text, HtmlBody = html };

    private static (Subscriber Subscriber, string Address) Reader(AddressProtector protector, string name, long id = 7)
    {
        var address = $"reader{id}@example.org";
        return (new Subscriber { Id = id, Status = SubscriberStatus.Active, EmailEncrypted = protector.Encrypt(address), NameEncrypted = protector.Encrypt(name) }, address);
    }
}
