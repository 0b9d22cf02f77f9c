using System.Net.Sockets;
using System.Text;
using Broadsheet.Delivery;
using Broadsheet.Tests.TestKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Utils;

namespace Broadsheet.Tests.Delivery;

/// <summary>The test kit's SMTP server itself: the protocol it speaks, what it records, and that it keeps up.</summary>
public sealed class SmtpTestServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MimeMessage Mime(string recipient)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse("newsletter@news.example"));
        mime.To.Add(MailboxAddress.Parse(recipient));
        mime.Subject = "Edition 2026-12-A";
        mime.MessageId = MimeUtils.GenerateMessageId("news.example");
        mime.Body = new TextPart("plain") { Text = "Hello." };
        return mime;
    }

    [Fact]
    public async Task It_speaks_pipelined_ESMTP_and_records_the_envelope_and_unstuffed_data()
    {
        await using var server = SmtpTestServer.Start();
        await using var client = await RawClient.ConnectAsync(server);

        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.WriteAsync("EHLO test.example\r\n");
        var ehlo = await client.ReadReplyAsync();
        foreach (var extension in new[] { "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "SIZE" })
        {
            Assert.Contains(extension, ehlo, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", ehlo, StringComparison.Ordinal);

        // Pipelined, as a client with PIPELINING sends them: one write, one reply each, in order.
        await client.WriteAsync("MAIL FROM:<bounces+d1-aa@news.example> SMTPUTF8\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("354", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.WriteAsync("Message-ID:\r\n <folded@news.example>\r\nSubject: hi\r\n\r\n..stuffed\r\nplain\r\n.\r\n");
        Assert.StartsWith("250 2.0.0", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.WriteAsync("QUIT\r\n");
        Assert.StartsWith("221", await client.ReadReplyAsync(), StringComparison.Ordinal);

        var mail = Assert.Single(server.Messages);
        Assert.Equal("bounces+d1-aa@news.example", mail.EnvelopeSender);
        Assert.Equal(["a@example.org", "b@example.org"], mail.Recipients);
        Assert.Equal("folded@news.example", mail.MessageId);
        Assert.True(mail.Utf8);
        Assert.Equal("Message-ID:\r\n <folded@news.example>\r\nSubject: hi\r\n\r\n.stuffed\r\nplain\r\n", Encoding.ASCII.GetString(mail.Raw));
        Assert.Equal(1, server.QuitsReceived);
    }

    [Fact]
    public async Task AUTH_LOGIN_is_offered_and_required_when_credentials_are_set()
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { Username = "ledger", Password = "pw" });
        await using var client = await RawClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        await client.WriteAsync("EHLO test.example\r\n");
        Assert.Contains("AUTH PLAIN LOGIN", await client.ReadReplyAsync(), StringComparison.Ordinal);

        await client.WriteAsync("MAIL FROM:<a@news.example>\r\n");
        Assert.StartsWith("530 5.7.0", await client.ReadReplyAsync(), StringComparison.Ordinal);

        await client.WriteAsync("AUTH LOGIN\r\n");
        Assert.Equal("334 VXNlcm5hbWU6", await client.ReadReplyAsync());
        await client.WriteAsync(Convert.ToBase64String("ledger"u8) + "\r\n");
        Assert.Equal("334 UGFzc3dvcmQ6", await client.ReadReplyAsync());
        await client.WriteAsync(Convert.ToBase64String("pw"u8) + "\r\n");
        Assert.StartsWith("235 2.7.0", await client.ReadReplyAsync(), StringComparison.Ordinal);

        await client.WriteAsync("MAIL FROM:<a@news.example>\r\n");
        Assert.StartsWith("250", await client.ReadReplyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counted_fault_fires_exactly_that_many_times_across_concurrent_connections()
    {
        await using var server = SmtpTestServer.Start();
        server.Faults.RefuseGreeting.Next(3);

        var greetings = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            await using var client = await RawClient.ConnectAsync(server);
            return await client.ReadReplyAsync();
        }));

        Assert.Equal(3, greetings.Count(g => g.StartsWith("421 4.3.2", StringComparison.Ordinal)));
        Assert.Equal(7, greetings.Count(g => g.StartsWith("220 ", StringComparison.Ordinal)));
        Assert.Equal(3, server.Faults.RefuseGreeting.Fired);
        Assert.Equal(10, server.ConnectionsOpened);
    }

    [Fact]
    public async Task Many_MailKit_clients_at_once_are_all_served()
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { Tls = SmtpTestTls.StartTls });

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            // Pinned to the server's own self-signed certificate.
            using var client = new SmtpClient
            {
                ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == server.Certificate!.GetCertHashString(),
                CheckCertificateRevocation = false,
            };
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.StartTls, Ct);
            for (var j = 0; j < 5; j++)
            {
                await client.SendAsync(Mime($"r{i}-{j}@example.org"), Ct);
            }

            await client.DisconnectAsync(quit: true, Ct);
        }));

        await server.WaitForAsync(200, TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(40, server.ConnectionsOpened);
        Assert.Equal(200, server.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.All(server.Messages, m => Assert.True(m.Secure));
    }

    [Fact]
    public async Task WaitForAsync_says_how_many_arrived_when_it_times_out()
    {
        await using var server = SmtpTestServer.Start();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => server.WaitForAsync(1, TimeSpan.FromMilliseconds(100), Ct));

        Assert.Contains("0 arrived", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_takes_twenty_thousand_messages_through_the_transport_in_one_test()
    {
        await using var server = SmtpTestServer.Start(new SmtpTestServerOptions { KeepContent = false });
        await using var transport = new SmtpTransport(server.ToSmtpOptions(connections: 8), TimeProvider.System, NullLogger<SmtpTransport>.Instance);
        var bounce = MailboxAddress.Parse("bounces@news.example");
        const int count = 20_000;

        var next = -1;
        var outcomes = new int[Enum.GetValues<TransportOutcome>().Length];
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var recipient = MailboxAddress.Parse($"reader{i}@example.org");
                var result = await transport.SendAsync(new OutgoingMessage(Mime(recipient.Address), bounce, recipient), Ct);
                Interlocked.Increment(ref outcomes[(int)result.Outcome]);
            }
        }));

        await server.WaitForAsync(count, TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(count, outcomes[(int)TransportOutcome.Sent]);
        Assert.Equal(count, server.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.InRange(server.ConnectionsOpened, 1, 8);
    }

    /// <summary>A line-level SMTP client for checking the server's own words.</summary>
    private sealed class RawClient : IAsyncDisposable
    {
        private readonly TcpClient tcp;
        private readonly StreamReader reader;
        private readonly Stream stream;

        private RawClient(TcpClient tcp)
        {
            this.tcp = tcp;
            stream = tcp.GetStream();
            reader = new StreamReader(stream, Encoding.UTF8);
        }

        public static async Task<RawClient> ConnectAsync(SmtpTestServer server)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port, Ct);
            return new RawClient(tcp);
        }

        public async Task WriteAsync(string text) => await stream.WriteAsync(Encoding.UTF8.GetBytes(text), Ct);

        /// <summary>One reply, its lines joined with \n; empty if the server closed.</summary>
        public async Task<string> ReadReplyAsync()
        {
            var lines = new List<string>();
            while (await reader.ReadLineAsync(Ct) is { } line)
            {
                lines.Add(line);
                if (line.Length < 4 || line[3] != '-')
                {
                    break;
                }
            }

            return string.Join('\n', lines);
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
