using System.Net;
using System.Net.Sockets;
using Broadsheet.Delivery;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Tests.Delivery;

public sealed class BounceMailboxTests
{
    private const string Username = "bounces@example.org";
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task Poll_hands_every_message_over_and_deletes_only_those_handled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new Pop3TestServer(Username, Password, [Mail("first"), Mail("second"), Mail("third")]);
        var mailbox = Mailbox(server.Port, Password);
        var seen = new List<string>();

        var handled = await mailbox.PollOnceAsync((message, _) =>
        {
            seen.Add(message.Subject ?? "");
            return Task.FromResult(message.Subject != "second");
        }, ct);

        Assert.Equal(2, handled);
        Assert.Equal(["first", "second", "third"], seen);
        var left = Assert.Single(server.Messages);
        Assert.Contains("Subject: second", left, StringComparison.Ordinal);
        Assert.Equal(["DELE 1", "DELE 3", "QUIT"], server.Commands.Where(c => c.StartsWith("DELE", StringComparison.Ordinal) || c == "QUIT"));

        // The next poll sees only what was left, and a handler that now takes it empties the mailbox.
        seen.Clear();
        Assert.Equal(1, await mailbox.PollOnceAsync((message, _) => { seen.Add(message.Subject ?? ""); return Task.FromResult(true); }, ct));
        Assert.Equal(["second"], seen);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Message_with_a_leading_dot_line_arrives_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var text = "From: postmaster@mx.example.net\nSubject: dots\n\nfirst line\n.second line starts with a dot\n..\nlast\n";
        await using var server = new Pop3TestServer(Username, Password, [text]);
        string? body = null;

        await Mailbox(server.Port, Password).PollOnceAsync((message, _) => { body = message.TextBody; return Task.FromResult(true); }, ct);

        Assert.Equal("first line\n.second line starts with a dot\n..\nlast\n", body?.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Handler_that_throws_keeps_the_deletions_made_before_it_and_the_rest_of_the_mailbox()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new Pop3TestServer(Username, Password, [Mail("first"), Mail("second"), Mail("third")]);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Mailbox(server.Port, Password).PollOnceAsync((message, _) =>
            message.Subject == "second" ? throw new InvalidOperationException("database is down") : Task.FromResult(true), ct));

        Assert.Equal("database is down", thrown.Message);
        Assert.Equal(2, server.Messages.Count);
        Assert.DoesNotContain(server.Messages, m => m.Contains("Subject: first", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelled_poll_keeps_what_was_not_handled_and_removes_what_was()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new Pop3TestServer(Username, Password, [Mail("first"), Mail("second")]);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Mailbox(server.Port, Password).PollOnceAsync(async (message, token) =>
        {
            if (message.Subject == "second")
            {
                // A shutdown while the second message is being handled.
                await cancel.CancelAsync();
                token.ThrowIfCancellationRequested();
            }

            return true;
        }, cancel.Token));

        var left = Assert.Single(server.Messages);
        Assert.Contains("Subject: second", left, StringComparison.Ordinal);
        Assert.Equal("QUIT", server.Commands[^1]);
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_that_names_neither_the_user_nor_the_password()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new Pop3TestServer(Username, Password, [Mail("first")]);

        var error = await Assert.ThrowsAsync<BounceMailboxException>(() =>
            Mailbox(server.Port, "wrong-password-123").PollOnceAsync((_, _) => Task.FromResult(true), ct));

        Assert.Contains("refused the configured username and password", error.Message, StringComparison.Ordinal);
        Assert.Contains($"POP3 at 127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-123", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Username, error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task Mailbox_that_cannot_be_reached_is_a_clear_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var error = await Assert.ThrowsAsync<BounceMailboxException>(() =>
            Mailbox(port, Password).PollOnceAsync((_, _) => Task.FromResult(true), ct));

        Assert.Equal($"The bounce mailbox (POP3 at 127.0.0.1:{port}) could not be reached: connection refused.", error.Message);
    }

    [Fact]
    public async Task No_protocol_means_no_mailbox_and_nothing_to_poll()
    {
        var mailbox = new BounceMailbox(Options.Create(new BroadsheetOptions()), NullLogger<BounceMailbox>.Instance);

        Assert.False(mailbox.IsConfigured);
        Assert.Equal(0, await mailbox.PollOnceAsync((_, _) => throw new InvalidOperationException("not called"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Polled_bounces_read_as_reports()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new Pop3TestServer(Username, Password, [BounceParserTests.PostfixHardBounce, BounceParserTests.PersonalReply]);
        var reports = new List<BounceReport>();

        await Mailbox(server.Port, Password).PollOnceAsync((message, _) =>
        {
            reports.Add(BounceParser.Parse(message));
            return Task.FromResult(true);
        }, ct);

        Assert.Equal([BounceKind.HardBounce, BounceKind.NotABounce], reports.Select(r => r.Kind));
        Assert.Contains("bounces+d123-1a2b3c4d@example.org", reports[0].ReturnAddresses);
    }

    private static BounceMailbox Mailbox(int port, string password) => new(
        Options.Create(new BroadsheetOptions
        {
            Mail = new MailOptions
            {
                Bounces = new BounceOptions
                {
                    Protocol = "Pop3",
                    Host = "127.0.0.1",
                    Port = port,
                    Security = SmtpSecurity.None,
                    Username = Username,
                    Password = password,
                },
            },
        }),
        NullLogger<BounceMailbox>.Instance);

    private static string Mail(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", "mailer-daemon@mx.example.net"));
        message.To.Add(MailboxAddress.Parse("bounces+d1-00000000@example.org"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = $"Body of {subject}." };
        return message.ToString();
    }
}
