using System.Security.Cryptography;
using Broadsheet.Delivery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace Broadsheet.Tests.Delivery;

/// <summary>
/// DKIM as a receiver sees it: every signature is checked by MimeKit's verifier against the TXT record our own code
/// produced, after the message has been written out and parsed back as a receiving server would.
/// </summary>
public sealed class DkimTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string Domain = "news.example";
    private const string Selector = "broadsheet1";
    private const string ArabicSubject = "الدفتر: ما جرى في النصف الأول من حزيران";

    private static readonly DateTimeOffset Now = new(2026, 6, 15, 7, 30, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("broadsheet-dkim-").FullName;
    private readonly FakeTimeProvider _time = new(Now);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DkimIdentity Identity => DkimIdentity.TryCreate(Domain, Selector, out var identity, out var problem) ? identity : throw new InvalidOperationException(problem);

    private string DefaultKeyPath => DkimKeyFile.DefaultPath(_directory, Identity);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IOptions<BroadsheetOptions> Options(string domain = Domain, string selector = Selector, string keyFile = "") =>
        Microsoft.Extensions.Options.Options.Create(new BroadsheetOptions
        {
            DataDirectory = _directory,
            Mail = new MailOptions { Dkim = new DkimOptions { Domain = domain, Selector = selector, KeyFile = keyFile } },
        });

    private DkimMessageSigner Signer(out DkimDnsRecord record)
    {
        record = DkimKeyFile.Create(DefaultKeyPath, Identity, overwrite: false);
        return new DkimMessageSigner(Options(), _time);
    }

    // Written fresh for these tests: a digest edition in Arabic, with the headers a newsletter carries.
    private static MimeMessage Edition()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("الدفتر", "newsletter@news.example"));
        message.ReplyTo.Add(new MailboxAddress("غرفة الأخبار", "desk@news.example"));
        message.To.Add(new MailboxAddress("قارئة", "reader@example.com"));
        message.Subject = ArabicSubject;
        message.Headers.Add("List-Id", "الدفتر <digest-ar.news.example>");
        message.Headers.Add(HeaderId.ListUnsubscribe, "<https://news.example/unsubscribe/t0k3n>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Body = new BodyBuilder
        {
            TextBody = "أهم ما نشرناه هذا الأسبوع: تحقيق عن أسعار الخبز، وخريطة جديدة للطرق المقطوعة.\n\nلإلغاء الاشتراك اضغط الرابط في أسفل الرسالة.",
            HtmlBody = "<div dir=\"rtl\" lang=\"ar\"><h1>الدفتر</h1><p>تحقيق عن أسعار الخبز، وخريطة جديدة للطرق المقطوعة.</p></div>",
        }.ToMessageBody();
        return message;
    }

    private static byte[] Wire(MimeMessage message, FormatOptions? format = null)
    {
        using var stream = new MemoryStream();
        message.WriteTo(format ?? FormatOptions.Default, stream, Ct);
        return stream.ToArray();
    }

    private static async Task<bool> VerifiesAsync(byte[] wire, DkimDnsRecord record)
    {
        var received = await MimeMessage.LoadAsync(new MemoryStream(wire), Ct);
        var signature = received.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        return await new DkimVerifier(new PublishedRecordLocator(record)).VerifyAsync(received, signature, Ct);
    }

    private static Dictionary<string, string> Tags(MimeMessage message) =>
        message.Headers.Single(h => h.Id == HeaderId.DkimSignature).Value
            .Split(';')
            .Select(t => t.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => string.Concat(p[1].Where(c => !char.IsWhiteSpace(c))), StringComparer.Ordinal);

    [Fact]
    public async Task A_signed_arabic_edition_verifies_against_the_record_dkim_init_prints()
    {
        var signer = Signer(out var record);
        var message = Edition();

        signer.Sign(message);

        var wire = Wire(message);
        Assert.True(await VerifiesAsync(wire, record));
        var tags = Tags(message);
        Assert.Equal(
            ("1", "rsa-sha256", Domain, Selector, "relaxed/relaxed", Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (tags["v"], tags["a"], tags["d"], tags["s"], tags["c"], tags["t"]));
        var received = await MimeMessage.LoadAsync(new MemoryStream(wire), Ct);
        Assert.Equal(ArabicSubject, received.Subject);
        Assert.Contains("أسعار الخبز", received.TextBody, StringComparison.Ordinal);
        // Prepared for 7-bit transport: no relay has a reason to re-encode the body after it was hashed.
        Assert.All(wire, b => Assert.True(b < 0x80, "the signed message is not 7-bit"));
        Assert.All(received.BodyParts.OfType<MimePart>(), part => Assert.DoesNotContain(part.ContentTransferEncoding, new[] { ContentEncoding.EightBit, ContentEncoding.Binary }));
    }

    [Fact]
    public void The_signature_covers_the_headers_receivers_show_or_act_on_and_oversigns_from_and_subject()
    {
        var signer = Signer(out _);
        var message = Edition();

        signer.Sign(message);

        var signed = Tags(message)["h"].Split(':');
        foreach (var header in new[] { "from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post", "reply-to", "list-id", "mime-version", "content-type" })
        {
            Assert.Contains(header, signed);
        }

        Assert.Equal(2, signed.Count(h => h == "from"));
        Assert.Equal(2, signed.Count(h => h == "subject"));
    }

    [Theory]
    [InlineData("subject changed")]
    [InlineData("second subject added")]
    [InlineData("second from added")]
    [InlineData("unsubscribe link changed")]
    [InlineData("body changed")]
    public async Task A_change_after_signing_fails_verification(string change)
    {
        var signer = Signer(out var record);
        var message = Edition();
        signer.Sign(message);
        Assert.True(await VerifiesAsync(Wire(message), record));

        switch (change)
        {
            case "subject changed":
                message.Subject = "الدفتر: عرض خاص";
                break;
            case "second subject added":
                message.Headers.Add(HeaderId.Subject, "Urgent: verify your account");
                break;
            case "second from added":
                message.Headers.Insert(1, new Header(HeaderId.From, "Bank <alerts@bank.example>"));
                break;
            case "unsubscribe link changed":
                message.Headers[HeaderId.ListUnsubscribe] = "<https://elsewhere.example/u>";
                break;
            case "body changed":
                ((TextPart)message.BodyParts.First()).Text = "نص آخر";
                break;
        }

        Assert.False(await VerifiesAsync(Wire(message), record));
    }

    [Fact]
    public async Task Signing_again_for_a_retry_replaces_the_earlier_signature()
    {
        var signer = Signer(out var record);
        var message = Edition();
        message.Headers.Add(HeaderId.DkimSignature, "v=1; a=rsa-sha256; d=relay.example; s=other; h=from; bh=AAAA; b=AAAA");

        signer.Sign(message);
        _time.Advance(TimeSpan.FromMinutes(10));
        signer.Sign(message);

        var ours = message.Headers.Where(h => h.Id == HeaderId.DkimSignature && h.Value.Contains("d=news.example", StringComparison.Ordinal)).ToList();
        Assert.Single(ours);
        Assert.Contains(message.Headers, h => h.Id == HeaderId.DkimSignature && h.Value.Contains("d=relay.example", StringComparison.Ordinal));
        Assert.Contains($"t={Now.AddMinutes(10).ToUnixTimeSeconds()}", ours[0].Value, StringComparison.Ordinal);
        message.Headers.Remove(message.Headers.Single(h => h.Id == HeaderId.DkimSignature && h.Value.Contains("d=relay.example", StringComparison.Ordinal)));
        Assert.True(await VerifiesAsync(Wire(message), record));
    }

    [Fact]
    public async Task One_signer_shared_by_many_sending_threads_makes_signatures_that_all_verify()
    {
        var signer = Signer(out var record);
        var messages = Enumerable.Range(0, 48).Select(i =>
        {
            var message = Edition();
            message.To.Clear();
            message.To.Add(new MailboxAddress("", $"reader{i}@example.com"));
            return message;
        }).ToList();

        Parallel.ForEach(messages, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, signer.Sign);

        // A key is lent to one signature at a time: never more of them than signed at once.
        Assert.InRange(signer.KeysMade, 1, 8);

        foreach (var message in messages)
        {
            Assert.True(await VerifiesAsync(Wire(message), record));
        }
    }

    [Fact]
    public async Task Threads_that_come_and_go_share_a_few_keys_rather_than_leaving_one_each()
    {
        // A running instance's pool threads retire and new ones start; each signing here is on a thread of its own.
        using var signer = Signer(out var record);
        var messages = Enumerable.Range(0, 40).Select(_ => Edition()).ToList();
        foreach (var message in messages)
        {
            var thread = new Thread(() => signer.Sign(message));
            thread.Start();
            thread.Join();
        }

        Assert.Equal(1, signer.KeysMade);
        Assert.True(await VerifiesAsync(Wire(messages[^1]), record));
    }

    [Fact]
    public async Task A_message_sent_with_international_headers_verifies_when_signed_for_that_format()
    {
        var signer = Signer(out var record);
        var international = FormatOptions.Default.Clone();
        international.International = true;
        var message = Edition();

        signer.Sign(message, international);

        Assert.True(await VerifiesAsync(Wire(message, international), record));
    }

    [Fact]
    public void The_key_file_is_owner_only_from_the_moment_it_is_written()
    {
        DkimKeyFile.Create(DefaultKeyPath, Identity, overwrite: false);

        Assert.Equal(Path.Combine(_directory, "dkim", "broadsheet1.news.example.pem"), DefaultKeyPath);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(DefaultKeyPath), StringComparison.Ordinal);
        Assert.Equal([DefaultKeyPath], Directory.GetFiles(Path.GetDirectoryName(DefaultKeyPath)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(DefaultKeyPath));
            Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(DefaultKeyPath)!));
        }

        using var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(DefaultKeyPath));
        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public void The_record_read_back_from_the_key_file_is_the_one_made_with_it_and_fits_a_zone_file()
    {
        var made = DkimKeyFile.Create(DefaultKeyPath, Identity, overwrite: false);

        var read = DkimKeyFile.ReadRecord(DefaultKeyPath, Identity);

        Assert.Equal(made, read);
        Assert.Equal("broadsheet1._domainkey.news.example", read.Name);
        Assert.StartsWith("v=DKIM1; k=rsa; p=MII", read.Value, StringComparison.Ordinal);
        Assert.Equal(2, read.QuotedStrings.Count);
        Assert.All(read.QuotedStrings, s => Assert.True(s.Length <= 255 + 2 && s[0] == '"' && s[^1] == '"', s));
        Assert.Equal(read.Value, string.Concat(read.QuotedStrings.Select(s => s[1..^1])));
        Assert.Equal($"broadsheet1._domainkey.news.example. IN TXT ( {read.QuotedStrings[0]} {read.QuotedStrings[1]} )", read.ZoneFileLine);
    }

    [Fact]
    public void Create_replaces_an_existing_key_only_when_told_to()
    {
        var first = DkimKeyFile.Create(DefaultKeyPath, Identity, overwrite: false);
        var pem = File.ReadAllText(DefaultKeyPath);

        Assert.Throws<IOException>(() => DkimKeyFile.Create(DefaultKeyPath, Identity, overwrite: false));
        Assert.Equal(pem, File.ReadAllText(DefaultKeyPath));

        var second = DkimKeyFile.Create(DefaultKeyPath, Identity, overwrite: true);
        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(second, DkimKeyFile.ReadRecord(DefaultKeyPath, Identity));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(DefaultKeyPath)!));
    }

    [Fact]
    public void The_signer_uses_the_configured_key_file()
    {
        var path = Path.Combine(_directory, "elsewhere", "mail.pem");
        var record = DkimKeyFile.Create(path, Identity, overwrite: false);

        var signer = new DkimMessageSigner(Options(keyFile: path), _time);

        Assert.Equal(path, signer.KeyFile);
        Assert.Equal(record, DkimKeyFile.ReadRecord(signer.KeyFile!, signer.Identity!));
    }

    [Fact]
    public void The_signer_changes_nothing_when_dkim_is_not_configured()
    {
        var signer = new DkimMessageSigner(Options(domain: "", selector: ""), _time);
        var message = Edition();
        var before = Wire(message);

        signer.Sign(message);

        Assert.False(signer.Enabled);
        Assert.Null(signer.KeyFile);
        Assert.Equal(before, Wire(message));
        Assert.False(Directory.Exists(Path.Combine(_directory, "dkim")));
    }

    [Fact]
    public void A_missing_key_file_stops_the_signer_with_a_message_that_names_the_setting_and_the_command()
    {
        var error = Assert.Throws<DkimConfigurationException>(() => new DkimMessageSigner(Options(), _time));

        Assert.IsAssignableFrom<InvalidOperationException>(error);
        Assert.Contains(DefaultKeyPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("Broadsheet:Mail:Dkim:KeyFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("`dkim init --domain news.example --selector broadsheet1`", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("public")]
    [InlineData("encrypted")]
    [InlineData("too short")]
    public void A_key_file_without_a_usable_private_key_stops_the_signer_with_a_clear_message(string content)
    {
        using var key = RSA.Create(content == "too short" ? 512 : 2048);
        Directory.CreateDirectory(Path.GetDirectoryName(DefaultKeyPath)!);
        File.WriteAllText(DefaultKeyPath, content switch
        {
            "public" => key.ExportSubjectPublicKeyInfoPem(),
            "encrypted" => key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)),
            "too short" => key.ExportPkcs8PrivateKeyPem(),
            _ => content,
        });

        var error = Assert.Throws<DkimConfigurationException>(() => new DkimMessageSigner(Options(), _time));

        Assert.Contains(DefaultKeyPath, error.Message, StringComparison.Ordinal);
        Assert.Contains(content == "too short" ? "512 bits" : "does not hold an unencrypted RSA private key", error.Message, StringComparison.Ordinal);
        Assert.Contains("dkim init", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Domain, "")]
    [InlineData("", Selector)]
    public void Half_a_dkim_configuration_is_refused_rather_than_sending_unsigned(string domain, string selector)
    {
        var error = Assert.Throws<DkimConfigurationException>(() => new DkimMessageSigner(Options(domain, selector), _time));

        Assert.Contains("Broadsheet__Mail__Dkim__Domain", error.Message, StringComparison.Ordinal);
        Assert.Contains("Broadsheet__Mail__Dkim__Selector", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("News.Example.", " Broadsheet1 ", "news.example", "broadsheet1")]
    [InlineData("mail.news.example", "2026-06", "mail.news.example", "2026-06")]
    [InlineData("news.example", "a.b", "news.example", "a.b")]
    [InlineData("الدفتر.مثال", "s1", "xn--mgbgoj2fq.xn--mgbh0fb", "s1")]
    public void Names_are_normalised_as_dns_compares_them(string domain, string selector, string expectedDomain, string expectedSelector)
    {
        Assert.True(DkimIdentity.TryCreate(domain, selector, out var identity, out var problem), problem);
        Assert.Equal((expectedDomain, expectedSelector), (identity.Domain, identity.Selector));
        Assert.Equal($"{expectedSelector}._domainkey.{expectedDomain}", identity.RecordName);
    }

    [Theory]
    [InlineData("", "s1")]
    [InlineData("localhost", "s1")]
    [InlineData("news example.org", "s1")]
    [InlineData("news..example", "s1")]
    [InlineData("-news.example", "s1")]
    [InlineData("192.168.0.1", "s1")]
    [InlineData("news.example/../../etc", "s1")]
    [InlineData("news.example", "")]
    [InlineData("news.example", "s_1")]
    [InlineData("news.example", "-s1")]
    [InlineData("news.example", "../s1")]
    public void Bad_names_are_refused_with_the_reason(string domain, string selector)
    {
        Assert.False(DkimIdentity.TryCreate(domain, selector, out var identity, out var problem));
        Assert.Null(identity);
        Assert.True(problem.Contains($"\"{domain}\"", StringComparison.Ordinal) || problem.Contains($"\"{selector}\"", StringComparison.Ordinal), problem);
    }

    /// <summary>Serves the published TXT record the way DNS would, parsing it from its zone-file strings.</summary>
    internal sealed class PublishedRecordLocator(DkimDnsRecord record) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            Assert.Equal(record.Name, $"{selector}._domainkey.{domain}");
            // A resolver hands back the quoted strings joined without spaces.
            var text = string.Concat(record.QuotedStrings.Select(s => s[1..^1]));
            var tags = text.Split(';').Select(t => t.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
            Assert.Equal(("DKIM1", "rsa"), (tags["v"], tags["k"]));
            return PublicKeyFactory.CreateKey(Convert.FromBase64String(tags["p"]));
        }

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
