using System.Text;
using Broadsheet.Delivery;
using MimeKit;

namespace Broadsheet.Tests.Delivery;

public sealed class BounceParserTests
{
    internal const string OurVerp = "bounces+d123-1a2b3c4d@example.org";
    internal const string OurMessageId = "d123.s45@example.org";

    // Postfix's shape: a human part, the RFC 3464 fields, the original attached whole. Postfix also marks its
    // bounces Auto-Submitted: auto-replied, which must not make this an auto-reply.
    public const string PostfixHardBounce = """
        Return-Path: <>
        Delivered-To: bounces+d123-1a2b3c4d@example.org
        Received: by mail.example.org (Postfix) id 4XyZ1; Mon, 30 Nov 2026 08:15:02 +0000 (UTC)
        Date: Mon, 30 Nov 2026 08:15:02 +0000 (UTC)
        From: MAILER-DAEMON@mail.example.org (Mail Delivery System)
        Subject: Undelivered Mail Returned to Sender
        To: bounces+d123-1a2b3c4d@example.org
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
            boundary="4XyZ1.1764490502/mail.example.org"
        Message-Id: <20261130081502.4XyZ1@mail.example.org>

        This is a MIME-encapsulated message.

        --4XyZ1.1764490502/mail.example.org
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mail.example.org.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        <samira.haddad@reader.example>: host mx.reader.example[198.51.100.7] said:
            550 5.1.1 <samira.haddad@reader.example>: Recipient address rejected:
            User unknown in virtual mailbox table (in reply to RCPT TO command)

        --4XyZ1.1764490502/mail.example.org
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mail.example.org
        X-Postfix-Queue-ID: 4XyZ1
        X-Postfix-Sender: rfc822; bounces+d123-1a2b3c4d@example.org
        Arrival-Date: Mon, 30 Nov 2026 08:15:01 +0000 (UTC)

        Final-Recipient: rfc822; samira.haddad@reader.example
        Original-Recipient: rfc822;samira.haddad@reader.example
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx.reader.example
        Diagnostic-Code: smtp; 550 5.1.1 <samira.haddad@reader.example>: Recipient
            address rejected: User unknown in virtual mailbox table

        --4XyZ1.1764490502/mail.example.org
        Content-Description: Undelivered Message
        Content-Type: message/rfc822

        Return-Path: <bounces+d123-1a2b3c4d@example.org>
        From: The Ledger <newsletter@example.org>
        To: samira.haddad@reader.example
        Subject: The Ledger: first half of November
        Message-ID: <d123.s45@example.org>
        Date: Mon, 30 Nov 2026 08:15:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        This fortnight in the Ledger.

        --4XyZ1.1764490502/mail.example.org--
        """;

    public const string PersonalReply = """
        From: Samira Haddad <samira.haddad@reader.example>
        To: The Ledger <newsletter@example.org>
        Subject: Re: The Ledger: first half of November
        Date: Mon, 30 Nov 2026 09:00:00 +0000
        Message-ID: <reply-77@reader.example>
        In-Reply-To: <d123.s45@example.org>
        References: <d123.s45@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Thanks for the piece on the port contracts. Is there a follow-up coming?
        Samira
        """;

    internal const string DelayedMailboxFull = """
        From: Mail Delivery System <MAILER-DAEMON@relay.example.org>
        To: bounces+d200-0f0f0f0f@example.org
        Subject: Delayed Mail (still being retried)
        Date: Tue, 01 Dec 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="delay-boundary"

        --delay-boundary
        Content-Type: text/plain; charset=us-ascii

        Your message could not be delivered for 4 hours. It will be retried until it is 5 days old.

        --delay-boundary
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example.org

        Final-Recipient: rfc822; omar@full.example
        Action: delayed
        Status: 4.2.2
        Diagnostic-Code: smtp; 452 4.2.2 The email account that you tried to reach is
            over quota: omar@full.example
        Will-Retry-Until: Sat, 05 Dec 2026 10:00:00 +0000

        --delay-boundary
        Content-Type: text/rfc822-headers

        Return-Path: <bounces+d200-0f0f0f0f@example.org>
        From: The Ledger <newsletter@example.org>
        To: omar@full.example
        Subject: Breaking: the ministry's statement
        Message-ID: <d200.s46@example.org>

        --delay-boundary--
        """;

    // Exchange's shape: an HTML human part, the fields, and only the original's headers as text/rfc822-headers.
    private const string ExchangeHardBounce = """
        From: postmaster@outlook.example
        To: <bounces+d77-0badcafe@example.org>
        Subject: Undeliverable: The Ledger: first half of November
        Date: Mon, 30 Nov 2026 08:20:00 +0000
        Message-ID: <ndr-1a2b@outlook.example>
        X-MS-Exchange-Message-Is-Ndr:
        Content-Language: en-US
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
            boundary="_000_ndr_boundary_"

        --_000_ndr_boundary_
        Content-Type: multipart/alternative; boundary="_001_alt_"

        --_001_alt_
        Content-Type: text/plain; charset="us-ascii"

        Your message to layla@contoso.example couldn't be delivered.
        layla wasn't found at contoso.example.

        --_001_alt_
        Content-Type: text/html; charset="us-ascii"

        <html><body><p>Your message to <b>layla@contoso.example</b> couldn't be delivered.</p>
        <p>Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'</p></body></html>

        --_001_alt_--

        --_000_ndr_boundary_
        Content-Type: message/delivery-status

        Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.outlook.example
        Received-From-MTA: dns;mail.example.org
        Arrival-Date: Mon, 30 Nov 2026 08:19:58 +0000

        Final-Recipient: rfc822;layla@contoso.example
        Action: failed
        Status: 5.1.10
        Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient
         layla@contoso.example not found by SMTP address lookup

        --_000_ndr_boundary_
        Content-Type: text/rfc822-headers

        Return-Path: <bounces+d77-0badcafe@example.org>
        From: The Ledger <newsletter@example.org>
        To: <layla@contoso.example>
        Subject: The Ledger: first half of November
        Message-ID: <d77.s45@example.org>
        MIME-Version: 1.0

        --_000_ndr_boundary_--
        """;

    // RFC 5965: the complaint arrives at the feedback-loop address; only the quoted original names our VERP address.
    internal const string AbuseReport = """
        From: Feedback Loop <fbl@mailbox-provider.example>
        To: fbl@example.org
        Subject: Complaint about message from 192.0.2.10
        Date: Wed, 02 Dec 2026 12:00:00 +0000
        Message-ID: <arf-5561@mailbox-provider.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report;
            boundary="arf-part"

        --arf-part
        Content-Type: text/plain; charset="US-ASCII"

        This is an email abuse report for an email message received from IP
        192.0.2.10 on Wed, 02 Dec 2026 11:00:00 +0000.

        --arf-part
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: ProviderFBL/2.1
        Version: 1
        Source-IP: 192.0.2.10
        Arrival-Date: Wed, 02 Dec 2026 11:00:00 +0000

        --arf-part
        Content-Type: message/rfc822
        Content-Disposition: inline

        Return-Path: <bounces+d321-c0ffee00@example.org>
        From: The Ledger <newsletter@example.org>
        To: redacted@mailbox-provider.example
        Subject: The Ledger: second half of November
        Message-ID: <d321.s47@example.org>
        Date: Tue, 01 Dec 2026 08:00:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        This fortnight in the Ledger.

        --arf-part--
        """;

    internal const string Rfc3834AutoReply = """
        From: Karim Nassar <karim@reader.example>
        To: bounces+d5-abcdef01@example.org
        Subject: Re: The Ledger: first half of November
        Date: Mon, 30 Nov 2026 08:16:00 +0000
        Message-ID: <vacation-9@reader.example>
        In-Reply-To: <d5.s45@example.org>
        References: <d5.s45@example.org>
        Auto-Submitted: auto-replied (vacation)
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        I am travelling until 14 December with limited access to email.
        """;

    // A sender that follows no standard: plain text with the code in it, the original attached.
    private const string PlainDaemonBounce = """
        From: Mail Delivery Subsystem <mailer-daemon@mx.smallhost.example>
        To: bounces+d900-5ca1ab1e@example.org
        Subject: Delivery Status Notification (Failure)
        Date: Thu, 03 Dec 2026 07:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="plain-bounce"

        --plain-bounce
        Content-Type: text/plain; charset=utf-8

        Delivery to the following recipient failed permanently:

             nadia@smallhost.example

        Technical details of permanent failure:
        The recipient server did not accept our requests to connect.
        Remote server said: 550-5.1.1 The email account <nadia@smallhost.example> does not exist. Please check the address.

        --plain-bounce
        Content-Type: message/rfc822

        From: The Ledger <newsletter@example.org>
        To: nadia@smallhost.example
        Subject: The Ledger: first half of December
        Message-ID: <d900.s48@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        This fortnight in the Ledger.

        --plain-bounce--
        """;

    // qmail's shape: one text part, the original's headers pasted below a line rather than attached.
    private const string PastedOriginalBounce = """
        From: MAILER-DAEMON@old.example.net
        To: bounces+d901-0a0b0c0d@example.org
        Subject: failure notice
        Date: Thu, 03 Dec 2026 07:05:00 +0000

        Hi. This is the qmail-send program at old.example.net.
        I'm afraid I wasn't able to deliver your message to the following addresses.
        This is a permanent error; I've given up. Sorry it didn't work out.

        <tarek@old.example.net>:
        Sorry, no mailbox here by that name. (#5.1.1)

        --- Below this line is a copy of the message.

        Return-Path: <bounces+d901-0a0b0c0d@example.org>
        From: The Ledger <newsletter@example.org>
        To: tarek@old.example.net
        Subject: The Ledger: first half of December
        Message-ID: <d901.s48@example.org>

        This fortnight in the Ledger.
        """;

    [Fact]
    public void Postfix_dsn_for_an_unknown_user_is_a_hard_bounce()
    {
        var report = BounceParser.Parse(Load(PostfixHardBounce));

        Assert.Equal(BounceKind.HardBounce, report.Kind);
        Assert.True(report.IsBounce);
        Assert.Equal("5.1.1", report.Status);
        Assert.Equal("550 5.1.1 [address]: Recipient address rejected: User unknown in virtual mailbox table", report.Diagnostic);
        Assert.Equal([OurVerp], report.ReturnAddresses);
        Assert.Equal([OurMessageId], report.OriginalMessageIds);
        Assert.Equal("delivery status notification, action failed", report.Reason);
    }

    [Fact]
    public void Delayed_dsn_for_a_full_mailbox_is_a_soft_bounce()
    {
        var report = BounceParser.Parse(Load(DelayedMailboxFull));

        Assert.Equal(BounceKind.SoftBounce, report.Kind);
        Assert.Equal("4.2.2", report.Status);
        Assert.Equal("452 4.2.2 The email account that you tried to reach is over quota: [address]", report.Diagnostic);
        Assert.Equal(["bounces+d200-0f0f0f0f@example.org"], report.ReturnAddresses);
        Assert.Equal(["d200.s46@example.org"], report.OriginalMessageIds);
    }

    [Fact]
    public void Failed_dsn_with_a_temporary_code_is_a_soft_bounce()
    {
        var text = DelayedMailboxFull.Replace("Action: delayed", "Action: failed", StringComparison.Ordinal);

        var report = BounceParser.Parse(Load(text));

        Assert.Equal(BounceKind.SoftBounce, report.Kind);
        Assert.Equal("4.2.2", report.Status);
    }

    [Fact]
    public void Exchange_dsn_with_only_the_original_headers_is_a_hard_bounce()
    {
        var report = BounceParser.Parse(Load(ExchangeHardBounce));

        Assert.Equal(BounceKind.HardBounce, report.Kind);
        Assert.Equal("5.1.10", report.Status);
        Assert.StartsWith("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient [address] not found", report.Diagnostic, StringComparison.Ordinal);
        Assert.Equal(["bounces+d77-0badcafe@example.org"], report.ReturnAddresses);
        Assert.Equal(["d77.s45@example.org"], report.OriginalMessageIds);
    }

    [Fact]
    public void Success_dsn_is_not_a_bounce()
    {
        var text = PostfixHardBounce
            .Replace("Action: failed", "Action: delivered", StringComparison.Ordinal)
            .Replace("Status: 5.1.1", "Status: 2.0.0", StringComparison.Ordinal);

        var report = BounceParser.Parse(Load(text));

        Assert.Equal(BounceKind.NotABounce, report.Kind);
        Assert.Equal("2.0.0", report.Status);
        Assert.Equal([OurMessageId], report.OriginalMessageIds);
    }

    [Fact]
    public void Dsn_reporting_several_recipients_speaks_for_the_worst()
    {
        var text = PostfixHardBounce.Replace("""
            Final-Recipient: rfc822; samira.haddad@reader.example
            """, """
            Final-Recipient: rfc822; other@reader.example
            Action: delayed
            Status: 4.4.1

            Final-Recipient: rfc822; samira.haddad@reader.example
            """, StringComparison.Ordinal);

        var report = BounceParser.Parse(Load(text));

        Assert.Equal(BounceKind.HardBounce, report.Kind);
        Assert.Equal("5.1.1", report.Status);
    }

    [Fact]
    public void Arf_abuse_report_is_a_complaint_naming_the_original_return_path_and_message_id()
    {
        var report = BounceParser.Parse(Load(AbuseReport));

        Assert.Equal(BounceKind.Complaint, report.Kind);
        Assert.False(report.IsBounce);
        Assert.Null(report.Status);
        Assert.Equal("Feedback-Type: abuse", report.Diagnostic);
        Assert.Equal(["fbl@example.org", "bounces+d321-c0ffee00@example.org"], report.ReturnAddresses);
        Assert.Equal(["d321.s47@example.org"], report.OriginalMessageIds);
    }

    [Fact]
    public void Arf_report_without_the_original_return_path_offers_its_original_mail_from()
    {
        var text = AbuseReport
            .Replace("Return-Path: <bounces+d321-c0ffee00@example.org>\n", "", StringComparison.Ordinal)
            .Replace("Version: 1\n", "Version: 1\nOriginal-Mail-From: <bounces+d321-c0ffee00@example.org>\n", StringComparison.Ordinal);

        var report = BounceParser.Parse(Load(text));

        Assert.Equal(BounceKind.Complaint, report.Kind);
        Assert.Contains("bounces+d321-c0ffee00@example.org", report.ReturnAddresses);
    }

    [Fact]
    public void Arf_not_spam_report_is_not_a_complaint()
    {
        var report = BounceParser.Parse(Load(AbuseReport.Replace("Feedback-Type: abuse", "Feedback-Type: not-spam", StringComparison.Ordinal)));

        Assert.Equal(BounceKind.NotABounce, report.Kind);
    }

    [Fact]
    public void Rfc3834_auto_reply_is_an_auto_reply_to_the_message_it_answers()
    {
        var report = BounceParser.Parse(Load(Rfc3834AutoReply));

        Assert.Equal(BounceKind.AutoReply, report.Kind);
        Assert.Null(report.Status);
        Assert.Equal("", report.Diagnostic);
        Assert.Equal(["bounces+d5-abcdef01@example.org"], report.ReturnAddresses);
        Assert.Equal(["d5.s45@example.org"], report.OriginalMessageIds);
    }

    [Theory]
    [InlineData("X-Autoreply", "yes")]
    [InlineData("X-Autorespond", "Out of office")]
    [InlineData("Precedence", "auto_reply")]
    public void Vendor_auto_reply_headers_make_an_auto_reply(string field, string value)
    {
        var message = Load(PersonalReply);
        message.Headers.Add(field, value);

        Assert.Equal(BounceKind.AutoReply, BounceParser.Parse(message).Kind);
    }

    [Fact]
    public void Arabic_out_of_office_reply_is_an_auto_reply()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("ليلى حداد", "layla@reader.example"));
        message.To.Add(MailboxAddress.Parse("bounces+d42-feedf00d@example.org"));
        message.Subject = "رد تلقائي: النشرة الإخبارية، النصف الأول من كانون الأول";
        message.InReplyTo = "d42.s48@example.org";
        message.Body = new TextPart("plain") { Text = "أنا خارج المكتب حتى نهاية الشهر، وسأرد على رسالتك عند عودتي." };

        var report = BounceParser.Parse(Load(message.ToString()));

        Assert.Equal(BounceKind.AutoReply, report.Kind);
        Assert.Equal(["bounces+d42-feedf00d@example.org"], report.ReturnAddresses);
        Assert.Equal(["d42.s48@example.org"], report.OriginalMessageIds);
    }

    [Theory]
    [InlineData("رد تلقائي: النشرة الإخبارية")]
    [InlineData("ردّ آلي: النشرة الإخبارية")]
    [InlineData("الــرد التلقائى: النشرة الإخبارية")]
    [InlineData("خارج المكتب: النشرة الإخبارية")]
    [InlineData("Automatic reply: The Ledger")]
    [InlineData("Out of Office: The Ledger")]
    [InlineData("Karim Nassar is out of the office.")]
    public void Out_of_office_subjects_in_either_language_make_an_auto_reply(string subject)
    {
        var message = Load(PersonalReply);
        message.Subject = subject;

        Assert.Equal(BounceKind.AutoReply, BounceParser.Parse(message).Kind);
    }

    [Fact]
    public void Plain_mailer_daemon_bounce_is_a_hard_bounce_with_the_attached_original()
    {
        var report = BounceParser.Parse(Load(PlainDaemonBounce));

        Assert.Equal(BounceKind.HardBounce, report.Kind);
        Assert.Equal("5.1.1", report.Status);
        Assert.Equal("Remote server said: 550-5.1.1 The email account [address] does not exist. Please check the address.", report.Diagnostic);
        Assert.Equal(["bounces+d900-5ca1ab1e@example.org"], report.ReturnAddresses);
        Assert.Equal(["d900.s48@example.org"], report.OriginalMessageIds);
        Assert.Equal("failure notice from a mail server", report.Reason);
    }

    [Fact]
    public void Plain_bounce_with_the_original_pasted_as_text_still_names_it()
    {
        var report = BounceParser.Parse(Load(PastedOriginalBounce));

        Assert.Equal(BounceKind.HardBounce, report.Kind);
        Assert.Equal("5.1.1", report.Status);
        Assert.Equal("Sorry, no mailbox here by that name. (#5.1.1)", report.Diagnostic);
        Assert.Equal(["d901.s48@example.org"], report.OriginalMessageIds);
    }

    [Fact]
    public void Bounce_subject_from_someone_who_is_not_a_mail_server_is_not_a_bounce()
    {
        var text = PlainDaemonBounce.Replace(
            "Mail Delivery Subsystem <mailer-daemon@mx.smallhost.example>", "Nadia <nadia@smallhost.example>", StringComparison.Ordinal);

        Assert.Equal(BounceKind.NotABounce, BounceParser.Parse(Load(text)).Kind);
    }

    [Fact]
    public void Personal_reply_is_not_a_bounce()
    {
        var report = BounceParser.Parse(Load(PersonalReply));

        Assert.Equal(BounceKind.NotABounce, report.Kind);
        Assert.Null(report.Status);
        Assert.Equal(["newsletter@example.org"], report.ReturnAddresses);
        Assert.Equal([OurMessageId], report.OriginalMessageIds);
    }

    [Fact]
    public void Garbage_is_not_a_bounce_and_does_not_throw()
    {
        var random = new Random(20261130);
        var noise = new byte[4096];
        random.NextBytes(noise);
        var garbage = Encoding.Latin1.GetBytes("X-Noise: \u0001\u0002\u00ff\r\nContent-Type: multipart/report; boundary=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .Concat(noise).ToArray();

        var report = BounceParser.Parse(MimeMessage.Load(new MemoryStream(garbage), TestContext.Current.CancellationToken));

        Assert.Equal(BounceKind.NotABounce, report.Kind);
        Assert.Null(report.Status);
        Assert.Empty(report.OriginalMessageIds);
    }

    [Fact]
    public void Empty_message_is_not_a_bounce()
    {
        var report = BounceParser.Parse(new MimeMessage());

        Assert.Equal(BounceKind.NotABounce, report.Kind);
        Assert.Empty(report.ReturnAddresses);
        Assert.Empty(report.OriginalMessageIds);
    }

    [Fact]
    public void Dsn_with_unreadable_fields_falls_back_to_its_text_and_does_not_throw()
    {
        var text = PostfixHardBounce.Replace(
            "Content-Type: message/delivery-status\n",
            "Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n",
            StringComparison.Ordinal);

        var report = BounceParser.Parse(Load(text));

        Assert.Equal(BounceKind.HardBounce, report.Kind);
        Assert.Equal("5.1.1", report.Status);
        Assert.Equal("delivery status notification, status from its text", report.Reason);
        Assert.DoesNotContain("@", report.Diagnostic, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Diagnostics_never_contain_an_address_or_an_ip(string sample)
    {
        var report = BounceParser.Parse(Load(sample));

        Assert.DoesNotContain("@", report.Diagnostic, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.7", report.Diagnostic, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.10", report.Diagnostic, StringComparison.Ordinal);
        Assert.DoesNotContain("@", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_diagnostic_is_cut_short_without_leaving_an_address()
    {
        var filler = string.Join(' ', Enumerable.Repeat("unavailable", 500));
        var text = PostfixHardBounce.Replace(
            "User unknown in virtual mailbox table\n",
            $"User unknown {filler} someone.with.a.long.name@reader.example\n",
            StringComparison.Ordinal);

        var report = BounceParser.Parse(Load(text));

        Assert.InRange(report.Diagnostic.Length, 10, 301);
        Assert.DoesNotContain("@", report.Diagnostic, StringComparison.Ordinal);
        Assert.DoesNotContain("someone", report.Diagnostic, StringComparison.Ordinal);
    }

    public static TheoryData<string> AllSamples() =>
    [
        PostfixHardBounce, PersonalReply, DelayedMailboxFull, ExchangeHardBounce, AbuseReport, Rfc3834AutoReply,
        PlainDaemonBounce, PastedOriginalBounce,
    ];

    private static MimeMessage Load(string text) =>
        MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"))), TestContext.Current.CancellationToken);
}
