using Broadsheet.Delivery;
using Broadsheet.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Utils;

namespace Broadsheet.Tests.Delivery;

/// <summary>
/// A message whose end is held back goes out up to its last bytes, but the server gets no complete message (so accepts
/// none) until the task it waits for completes; if that task fails, the message is cut off and never accepted.
/// </summary>
public sealed class HeldEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Text = "Two new reports this fortnight.";
    private static readonly string Html = "<p>Two new reports <b>this fortnight</b>.</p>" + new string('x', 20_000);

    /// <param name="campaign">A campaign's message as the composer makes it (its body written from prepared bytes), or one built with MimeKit's parts.</param>
    private static OutgoingMessage Message(bool campaign)
    {
        var to = new MailboxAddress("Reader", "reader@example.org");
        MimeMessage mime;
        if (campaign)
        {
            var send = new Send { Id = 3, Kind = SendKind.Campaign, Language = "en", Subject = "Held until the last one is written", HtmlBody = Html, TextBody = Text };
            var template = SendTemplate.Create(send, new MailOptions { From = "The Ledger <newsletter@news.example>" }, "https://news.example", "The Ledger", "\"The Ledger\"");
            mime = template.Message(to, SendTemplate.DateHeader(DateTimeOffset.UtcNow), "d1.s3@news.example", "https://news.example/unsubscribe/t", "https://news.example/preferences/t", "t");
            Assert.IsType<PreparedBody>(mime.Body);
        }
        else
        {
            mime = new MimeMessage();
            mime.From.Add(new MailboxAddress("The Ledger", "newsletter@news.example"));
            mime.To.Add(to);
            mime.Subject = "Held until the last one is written";
            mime.MessageId = MimeUtils.GenerateMessageId("news.example");
            mime.Body = new MultipartAlternative
            {
                new TextPart("plain") { Text = Text },
                new TextPart("html") { Text = Html },
            };
        }

        return new OutgoingMessage(mime, MailboxAddress.Parse("bounces@news.example"), MailboxAddress.Parse("reader@example.org"));
    }

    /// <summary>A message whose end waits for <c>Recorded</c>.</summary>
    private static (OutgoingMessage Message, TaskCompletionSource Recorded) Held(bool campaign)
    {
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = Message(campaign);
        Assert.True(HeldEnd.Apply(message.Mime, recorded.Task));
        return (message, recorded);
    }

    private static SmtpTransport Transport(SmtpTestServer server) =>
        new(server.ToSmtpOptions(), TimeProvider.System, NullLogger<SmtpTransport>.Instance);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_server_accepts_the_message_only_once_the_task_it_waits_for_has_completed(bool campaign)
    {
        await using var server = SmtpTestServer.Start();
        await using var transport = Transport(server);
        var (message, recorded) = Held(campaign);

        var sending = transport.SendAsync(message, Ct);
        await Task.Delay(500, Ct);
        Assert.False(sending.IsCompleted);
        Assert.Empty(server.Messages);

        recorded.SetResult();
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        var received = Assert.Single(server.Messages);
        Assert.Equal(Html, received.Message.HtmlBody);
        Assert.Equal(Text, received.Message.TextBody);

        // Held or not, the same message is what a signature or a second attempt reads.
        Assert.Equal(TransportOutcome.Sent, (await transport.SendAsync(message, Ct)).Outcome);
        Assert.Equal(Html, server.Messages[1].Message.HtmlBody);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_envelope_goes_out_while_the_end_is_held_even_to_a_relay_that_asks_for_the_size(bool campaign)
    {
        // The test kit server offers SIZE, so MailKit measures the message before MAIL FROM. The measuring must not
        // wait for the held end, or the whole transaction would wait for the previous commit instead of overlapping it:
        // a recipient the server defers is answered while the end is still held.
        await using var server = SmtpTestServer.Start();
        await using var transport = Transport(server);
        var (message, recorded) = Held(campaign);
        server.Faults.DeferRecipient.Next(1);

        try
        {
            var result = await transport.SendAsync(message, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

            Assert.False(recorded.Task.IsCompleted);
            Assert.Equal(TransportOutcome.Deferred, result.Outcome);
            Assert.Equal(1, server.Faults.DeferRecipient.Fired);
            Assert.Empty(server.Messages);
        }
        finally
        {
            // Whatever happened, the transport can close: it waits for the messages in flight.
            recorded.TrySetResult();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_task_cuts_the_message_off_so_the_server_accepts_nothing(bool campaign)
    {
        await using var server = SmtpTestServer.Start();
        await using var transport = Transport(server);
        var (message, recorded) = Held(campaign);

        var sending = transport.SendAsync(message, Ct);
        await Task.Delay(200, Ct);
        recorded.SetException(new InvalidOperationException("the database is gone"));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.NotEqual(TransportOutcome.Sent, result.Outcome);
        await Task.Delay(200, Ct);
        Assert.Empty(server.Messages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_outbox_folder_gets_the_file_only_once_the_task_has_completed(bool campaign)
    {
        var folder = Directory.CreateTempSubdirectory("held-end-");
        try
        {
            var transport = new OutboxFolderTransport(folder.FullName, TimeProvider.System);
            var (message, recorded) = Held(campaign);

            var sending = transport.SendAsync(message, Ct);
            await Task.Delay(300, Ct);
            Assert.Empty(transport.List());
            recorded.SetResult();
            Assert.Equal(TransportOutcome.Sent, (await sending.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Outcome);
            Assert.Single(transport.List());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
