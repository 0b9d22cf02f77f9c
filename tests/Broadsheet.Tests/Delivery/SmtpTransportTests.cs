using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Broadsheet.Delivery;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Utils;

namespace Broadsheet.Tests.Delivery;

/// <summary>The SMTP transport against a real SMTP conversation with the test server, one behaviour per test.</summary>
public sealed class SmtpTransportTests
{
    private const string Bounce = "bounces+d42-5f3a9c1e@news.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OutgoingMessage Message(string recipient = "reader@example.org", string subject = "The week in brief")
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress("The Ledger", "newsletter@news.example"));
        // The header names the list; only the envelope decides who gets it.
        mime.To.Add(new MailboxAddress("Readers", "readers@news.example"));
        mime.Subject = subject;
        mime.MessageId = MimeUtils.GenerateMessageId("news.example");
        mime.Body = new TextPart("plain") { Text = "Two new reports this fortnight.\n.A line that starts with a dot.\n" };
        return new OutgoingMessage(mime, MailboxAddress.Parse(Bounce), MailboxAddress.Parse(recipient));
    }

    private static SmtpTransport Transport(SmtpOptions options, TimeProvider? time = null) =>
        new(options, time ?? TimeProvider.System, NullLogger<SmtpTransport>.Instance);

    private static void AssertNoAddress(TransportResult result, string address)
    {
        Assert.DoesNotContain(address, result.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_arrives_intact_with_its_envelope_and_Arabic_subject()
    {
        await using var server = SmtpTestServer.Start();
        await using var transport = Transport(server.ToSmtpOptions());
        var message = Message("qari@example.org", "نشرة «الدفتر»: أهم ما نُشر في النصف الأول من الشهر");

        var result = await transport.SendAsync(message, Ct);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(250, result.StatusCode);
        var received = Assert.Single(server.Messages);
        Assert.Equal(Bounce, received.EnvelopeSender);
        Assert.Equal(["qari@example.org"], received.Recipients);
        Assert.Equal(message.Mime.MessageId, received.MessageId);
        Assert.Equal("نشرة «الدفتر»: أهم ما نُشر في النصف الأول من الشهر", received.Message.Subject);
        Assert.Equal("Two new reports this fortnight.\n.A line that starts with a dot.\n", received.Message.TextBody?.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_address_with_an_Arabic_local_part_goes_with_SMTPUTF8()
    {
        await using var server = SmtpTestServer.Start();
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message("قارئ@example.org"), Ct);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        var received = Assert.Single(server.Messages);
        Assert.True(received.Utf8);
        Assert.Equal(["قارئ@example.org"], received.Recipients);
    }

    [Fact]
    public async Task The_EHLO_name_is_the_configured_local_domain_or_else_the_machines()
    {
        await using var server = SmtpTestServer.Start();
        var named = server.ToSmtpOptions();
        named.LocalDomain = "sender-2.news.example";
        await using (var transport = Transport(named))
        {
            Assert.Equal(TransportOutcome.Sent, (await transport.SendAsync(Message("one@example.org"), Ct)).Outcome);
        }

        await using (var transport = Transport(server.ToSmtpOptions()))
        {
            Assert.Equal(TransportOutcome.Sent, (await transport.SendAsync(Message("two@example.org"), Ct)).Outcome);
        }

        Assert.Equal("sender-2.news.example", server.Messages.Single(m => m.Recipients[0] == "one@example.org").ClientName);
        var unnamed = server.Messages.Single(m => m.Recipients[0] == "two@example.org").ClientName;
        Assert.NotEqual("sender-2.news.example", unnamed);
        Assert.NotEmpty(unnamed);
    }

    [Fact]
    public async Task The_pool_reuses_its_connections()
    {
        await using var server = SmtpTestServer.Start();
        await using var transport = Transport(server.ToSmtpOptions(connections: 2));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => transport.SendAsync(Message($"reader{i}@example.org"), Ct)));

        Assert.All(results, r => Assert.Equal(TransportOutcome.Sent, r.Outcome));
        Assert.Equal(50, server.MessageCount);
        Assert.InRange(server.ConnectionsOpened, 1, 2);
    }

    [Fact]
    public async Task A_421_greeting_once_is_retried_on_a_fresh_connection_and_sent()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RefuseGreeting.Next(1);
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(2, server.ConnectionsOpened);
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task A_421_greeting_every_time_is_deferred_as_a_connection_failure()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RefuseGreeting.Always();
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Deferred, result.Outcome);
        Assert.True(result.ConnectionFailure);
        Assert.Equal(421, result.StatusCode);
        Assert.Equal("4.3.2", result.EnhancedCode);
        Assert.Equal(SmtpTransport.Attempts, server.ConnectionsOpened);
    }

    [Fact]
    public async Task A_4xx_for_a_listed_mailbox_is_deferred_with_its_codes_and_no_address()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.DeferMailbox("busy@example.org");
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message("busy@example.org"), Ct);

        Assert.Equal(TransportOutcome.Deferred, result.Outcome);
        Assert.False(result.ConnectionFailure);
        Assert.Equal(450, result.StatusCode);
        Assert.Equal("4.2.1", result.EnhancedCode);
        AssertNoAddress(result, "busy@example.org");
        Assert.Equal(0, server.MessageCount);
    }

    [Fact]
    public async Task A_4xx_on_the_next_RCPT_is_deferred_and_the_one_after_is_sent()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.DeferRecipient.Next(1);
        await using var transport = Transport(server.ToSmtpOptions(connections: 1));

        var deferred = await transport.SendAsync(Message(), Ct);
        var sent = await transport.SendAsync(Message(), Ct);

        Assert.Equal((TransportOutcome.Deferred, 451, "4.3.0"), (deferred.Outcome, deferred.StatusCode, deferred.EnhancedCode));
        Assert.Equal(TransportOutcome.Sent, sent.Outcome);
    }

    [Fact]
    public async Task A_550_5_1_1_is_rejected_as_a_bad_address()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RejectMailbox("nobody@example.org");
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message("nobody@example.org"), Ct);

        Assert.Equal(TransportOutcome.Rejected, result.Outcome);
        Assert.Equal(550, result.StatusCode);
        Assert.Equal("5.1.1", result.EnhancedCode);
        Assert.True(result.IsBadAddress);
        Assert.False(result.ConnectionFailure);
        AssertNoAddress(result, "nobody@example.org");
    }

    [Fact]
    public async Task A_554_after_the_data_is_rejected_but_not_as_a_bad_address()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RejectData.Next(1);
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Rejected, result.Outcome);
        Assert.Equal(554, result.StatusCode);
        Assert.Equal("5.6.0", result.EnhancedCode);
        Assert.False(result.IsBadAddress);
        Assert.Equal(0, server.MessageCount);
    }

    [Fact]
    public async Task When_the_server_closes_after_two_messages_the_later_ones_are_sent_after_a_reconnect()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.CloseAfterMessages = 2;
        await using var transport = Transport(server.ToSmtpOptions(connections: 1));

        var results = new List<TransportResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await transport.SendAsync(Message($"reader{i}@example.org"), Ct));
        }

        Assert.All(results, r => Assert.Equal(TransportOutcome.Sent, r.Outcome));
        Assert.Equal(5, server.MessageCount);
        Assert.Equal(3, server.ConnectionsOpened);
    }

    [Fact]
    public async Task A_drop_after_the_data_is_unknown_not_retried_and_not_accepted()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.DropAfterData.Next(1);
        await using var transport = Transport(server.ToSmtpOptions(connections: 1));
        var message = Message();

        var result = await transport.SendAsync(message, Ct);

        Assert.Equal(TransportOutcome.Unknown, result.Outcome);
        Assert.False(result.ConnectionFailure);
        Assert.Equal(0, server.MessageCount);
        Assert.Equal(message.Mime.MessageId, Assert.Single(server.DroppedAfterData).MessageId);

        // The caller's one retry, with the same Message-ID, goes through on a fresh connection.
        var retried = await transport.SendAsync(message, Ct);
        Assert.Equal(TransportOutcome.Sent, retried.Outcome);
        Assert.Equal(message.Mime.MessageId, Assert.Single(server.Messages).MessageId);
        Assert.Equal(1, server.DroppedAfterDataCount);
    }

    [Fact]
    public async Task A_black_hole_is_deferred_as_a_connection_failure_within_the_timeout()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.BlackHole = true;
        var options = server.ToSmtpOptions();
        options.Timeout = TimeSpan.FromMilliseconds(500);
        await using var transport = Transport(options);

        var clock = Stopwatch.StartNew();
        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Deferred, result.Outcome);
        Assert.True(result.ConnectionFailure);
        Assert.Contains("timed out", result.Detail, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(1, server.ConnectionsOpened);
    }

    [Fact]
    public async Task A_refused_connection_is_deferred_as_a_connection_failure()
    {
        await using var transport = Transport(new SmtpOptions { Host = "127.0.0.1", Port = ClosedPort(), Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(5) });

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Deferred, result.Outcome);
        Assert.True(result.ConnectionFailure);
        Assert.Contains("could not connect", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_recipient_between_two_good_ones_does_not_hold_them_up()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RejectMailbox("gone@example.org");
        await using var transport = Transport(server.ToSmtpOptions(connections: 1));

        var first = await transport.SendAsync(Message("first@example.org"), Ct);
        var bad = await transport.SendAsync(Message("gone@example.org"), Ct);
        var second = await transport.SendAsync(Message("second@example.org"), Ct);

        Assert.Equal([TransportOutcome.Sent, TransportOutcome.Rejected, TransportOutcome.Sent], [first.Outcome, bad.Outcome, second.Outcome]);
        Assert.Equal(["first@example.org", "second@example.org"], server.Messages.Select(m => m.Recipients.Single()));
        Assert.Equal(1, server.ConnectionsOpened);
    }

    [Theory]
    [InlineData(SmtpTestTls.StartTls)]
    [InlineData(SmtpTestTls.Implicit)]
    public async Task TLS_with_a_self_signed_certificate_works_when_accepted(SmtpTestTls tls)
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { Tls = tls });
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.True(Assert.Single(server.Messages).Secure);
    }

    [Fact]
    public async Task A_self_signed_certificate_that_is_not_accepted_is_a_connection_failure()
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { Tls = SmtpTestTls.StartTls });
        var options = server.ToSmtpOptions();
        options.AcceptInvalidCertificate = false;
        await using var transport = Transport(options);

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Deferred, result.Outcome);
        Assert.True(result.ConnectionFailure);
        Assert.Contains("TLS", result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.MessageCount);
    }

    [Fact]
    public async Task AUTH_with_the_right_credentials_sends()
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { Tls = SmtpTestTls.StartTls, Username = "ledger", Password = "s3cret-pass" });
        await using var transport = Transport(server.ToSmtpOptions());

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal("ledger", Assert.Single(server.Messages).AuthenticatedUser);
    }

    [Fact]
    public async Task AUTH_with_wrong_credentials_is_a_clear_connection_failure()
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { Username = "ledger", Password = "s3cret-pass" });
        var options = server.ToSmtpOptions();
        options.Password = "wrong";
        await using var transport = Transport(options);

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Deferred, result.Outcome);
        Assert.True(result.ConnectionFailure);
        Assert.Equal(535, result.StatusCode);
        Assert.Contains("authentication", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.MessageCount);
    }

    [Fact]
    public async Task MessagesPerSecond_spaces_the_messages()
    {
        await using var server = SmtpTestServer.Start();
        var options = server.ToSmtpOptions(connections: 3);
        options.MessagesPerSecond = 5;
        await using var transport = Transport(options);

        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => transport.SendAsync(Message(), Ct)));

        Assert.All(results, r => Assert.Equal(TransportOutcome.Sent, r.Outcome));
        // Evenly paced at 5/s, the sixth may start 1 s after the first; only the lower bound is a fact.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task MessagesPerHour_holds_a_sliding_window_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var limiter = new SmtpRateLimiter(0, 3, clock);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.WaitAsync(Ct).AsTask().IsCompletedSuccessfully);
        }

        var fourth = limiter.WaitAsync(Ct).AsTask();
        clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(50, Ct);
        Assert.False(fourth.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Closing_the_transport_ends_a_wait_for_the_hourly_limit()
    {
        await using var server = SmtpTestServer.Start();
        var options = server.ToSmtpOptions(connections: 2);
        options.MessagesPerHour = 1;
        var transport = Transport(options);
        Assert.Equal(TransportOutcome.Sent, (await transport.SendAsync(Message(), Ct)).Outcome);
        var waiting = transport.SendAsync(Message(), Ct);
        await Task.Delay(100, Ct);
        Assert.False(waiting.IsCompleted);

        await transport.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Cancellation_is_thrown()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.ReplyLatency = TimeSpan.FromSeconds(2);
        await using var transport = Transport(server.ToSmtpOptions());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.SendAsync(Message(), cancel.Token));
    }

    [Fact]
    public async Task Dispose_says_QUIT_on_open_connections()
    {
        await using var server = SmtpTestServer.Start();
        var transport = Transport(server.ToSmtpOptions(connections: 2));
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => transport.SendAsync(Message(), Ct)));
        var open = server.ConnectionsOpened;

        await transport.DisposeAsync();

        Assert.Equal(open, server.QuitsReceived);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.SendAsync(Message(), Ct));
    }

    [Fact]
    public async Task Failover_moves_on_to_the_second_relay_when_the_first_refuses_connections()
    {
        await using var server = SmtpTestServer.Start();
        var mail = new MailOptions
        {
            Transport = MailTransportKind.Smtp,
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = ClosedPort(), Security = SmtpSecurity.None },
            SmtpFallbacks = [server.ToSmtpOptions()],
        };
        var transport = MailTransportFactory.Create(mail, Path.GetTempPath(), TimeProvider.System, NullLoggerFactory.Instance);
        await using var disposable = Assert.IsType<FailoverTransport>(transport);

        var result = await transport.SendAsync(Message(), Ct);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task A_failed_relay_is_passed_over_for_the_cool_down_and_then_tried_first_again()
    {
        var clock = new FakeTimeProvider();
        var down = new ScriptedTransport { Answer = _ => new TransportResult(TransportOutcome.Deferred, "refused", ConnectionFailure: true) };
        var up = new ScriptedTransport();
        await using var failover = new FailoverTransport([down, up], clock, NullLogger<FailoverTransport>.Instance, TimeSpan.FromSeconds(30));

        Assert.Equal(TransportOutcome.Sent, (await failover.SendAsync(Message(), Ct)).Outcome);
        Assert.Equal(TransportOutcome.Sent, (await failover.SendAsync(Message(), Ct)).Outcome);
        Assert.Equal((1, 2), (down.Calls.Count, up.Calls.Count));

        clock.Advance(TimeSpan.FromSeconds(31));
        await failover.SendAsync(Message(), Ct);
        Assert.Equal((2, 3), (down.Calls.Count, up.Calls.Count));
    }

    [Fact]
    public async Task A_recipient_failure_is_the_answer_and_does_not_fail_over()
    {
        var rejecting = new ScriptedTransport { Answer = _ => new TransportResult(TransportOutcome.Rejected, "550 5.1.1 no such user", 550, "5.1.1") };
        var other = new ScriptedTransport();
        await using var failover = new FailoverTransport([rejecting, other], TimeProvider.System, NullLogger<FailoverTransport>.Instance);

        var result = await failover.SendAsync(Message(), Ct);

        Assert.True(result.IsBadAddress);
        Assert.Empty(other.Calls);
    }

    [Fact]
    public async Task The_factory_builds_the_transport_the_settings_name()
    {
        var directory = Path.GetTempPath();
        Assert.IsType<OutboxFolderTransport>(MailTransportFactory.Create(new MailOptions(), directory, TimeProvider.System, NullLoggerFactory.Instance));
        var smtp = new MailOptions { Transport = MailTransportKind.Smtp, Smtp = new SmtpOptions { Host = "relay.example" } };
        await using var transport = Assert.IsType<SmtpTransport>(MailTransportFactory.Create(smtp, directory, TimeProvider.System, NullLoggerFactory.Instance));
        Assert.Equal("Broadsheet:Mail:Smtp", transport.Name);
    }

    public static TheoryData<string, Action<MailOptions>> InvalidSettings => new()
    {
        { "Broadsheet:Mail:Smtp:Host is empty", m => m.Smtp.Host = " " },
        { "Broadsheet:Mail:Smtp:Port is 0", m => m.Smtp.Port = 0 },
        { "Broadsheet:Mail:Smtp:Connections is 0", m => m.Smtp.Connections = 0 },
        { "Broadsheet:Mail:Smtp:MessagesPerSecond is -1", m => m.Smtp.MessagesPerSecond = -1 },
        { "Broadsheet:Mail:Smtp:MessagesPerHour is -5", m => m.Smtp.MessagesPerHour = -5 },
        { "Broadsheet:Mail:Smtp:Timeout is 00:00:00", m => m.Smtp.Timeout = TimeSpan.Zero },
        { "Broadsheet:Mail:Smtp:Security is '7'", m => m.Smtp.Security = (SmtpSecurity)7 },
        { "Broadsheet:Mail:Smtp:Password is set but Broadsheet:Mail:Smtp:Username is empty", m => m.Smtp.Password = "x" },
        { "Broadsheet:Mail:Smtp:LocalDomain is 'sender one'", m => m.Smtp.LocalDomain = "sender one" },
        { "Broadsheet:Mail:SmtpFallbacks:1:Host is empty", m => m.SmtpFallbacks = [new SmtpOptions { Host = "b.example" }, new SmtpOptions()] },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void The_factory_names_the_setting_that_is_wrong(string expected, Action<MailOptions> breakIt)
    {
        ArgumentNullException.ThrowIfNull(breakIt);
        var mail = new MailOptions { Transport = MailTransportKind.Smtp, Smtp = new SmtpOptions { Host = "relay.example" } };
        breakIt(mail);

        var error = Assert.Throws<InvalidOperationException>(() => MailTransportFactory.Create(mail, Path.GetTempPath(), TimeProvider.System, NullLoggerFactory.Instance));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reply_text_loses_addresses_and_IPs_and_keeps_the_enhanced_code()
    {
        var text = "5.1.1 <nobody@example.org>: Recipient address rejected; client host [192.0.2.7] (2001:db8::1)";

        Assert.Equal("5.1.1", SmtpReplyText.EnhancedCode(text));
        var described = SmtpReplyText.Describe(550, text);
        Assert.StartsWith("550 5.1.1 [address]: Recipient address rejected", described, StringComparison.Ordinal);
        Assert.DoesNotContain("example.org", described, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.7", described, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8", described, StringComparison.Ordinal);
        Assert.Null(SmtpReplyText.EnhancedCode("Mailbox unavailable"));
    }

    /// <summary>A port on 127.0.0.1 with nothing listening: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
