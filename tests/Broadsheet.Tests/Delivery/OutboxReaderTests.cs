using Broadsheet.Delivery;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Broadsheet.Tests.Delivery;

/// <summary>The outbox folder as the admin reads it: only the names the transport writes, newest first, parsed by MimeKit.</summary>
public sealed class OutboxReaderTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "broadsheet-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public OutboxReaderTests() => Directory.CreateDirectory(_data);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static OutgoingMessage Message(string to, string subject, string? html = null)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress("The Ledger", "newsletter@ledger.example"));
        mime.To.Add(MailboxAddress.Parse(to));
        mime.Subject = subject;
        mime.Date = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var body = new BodyBuilder { TextBody = "Plain words for " + subject };
        if (html is not null)
        {
            body.HtmlBody = html;
        }

        mime.Body = body.ToMessageBody();
        return new OutgoingMessage(mime, new MailboxAddress("", "bounces@ledger.example"), MailboxAddress.Parse(to));
    }

    [Fact]
    public async Task Lists_what_the_transport_wrote_newest_first_and_reads_headers_and_whole_messages()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
        var transport = new OutboxFolderTransport(_data, clock);
        await transport.SendAsync(Message("first@example.org", "First"), Ct);
        clock.Advance(TimeSpan.FromSeconds(3));
        await transport.SendAsync(Message("second@example.org", "Second", "<p dir=\"rtl\">مرحباً</p>"), Ct);

        // Files the transport did not write, or has not finished writing, are not messages.
        var outbox = Path.Combine(_data, "outbox");
        await File.WriteAllTextAsync(Path.Combine(outbox, "notes.eml"), "Subject: not ours\r\n\r\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(outbox, ".20261120T090009000-" + new string('a', 32) + ".eml.tmp"), "half", Ct);
        await File.WriteAllTextAsync(Path.Combine(outbox, "20261120T090009000-" + new string('A', 32) + ".eml"), "upper-case hex", Ct);

        var reader = new OutboxReader(_data);
        Assert.Equal(outbox, reader.Folder);
        var names = reader.List();
        Assert.Equal(2, names.Count);
        Assert.DoesNotContain("notes.eml", names);
        Assert.StartsWith("20261120T090003000-", names[0], StringComparison.Ordinal);
        Assert.StartsWith("20261120T090000000-", names[1], StringComparison.Ordinal);

        var headers = reader.ReadHeaders(names[0]);
        Assert.NotNull(headers);
        Assert.Equal("Second", headers[HeaderId.Subject]);
        Assert.Equal("<bounces@ledger.example>", headers[HeaderId.ReturnPath]);
        Assert.Equal(new FileInfo(Path.Combine(outbox, names[0])).Length, reader.Find(names[0])!.Length);

        using var message = reader.Read(names[0]);
        Assert.NotNull(message);
        Assert.Equal("second@example.org", message.To.Mailboxes.Single().Address);
        Assert.Contains("مرحباً", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("Plain words for Second", message.TextBody?.Trim());
    }

    [Fact]
    public void An_empty_or_missing_folder_lists_nothing()
    {
        var reader = new OutboxReader(_data);
        Assert.Empty(reader.List());
        Assert.Null(reader.Find("20261120T090000000-" + new string('a', 32) + ".eml"));
        Assert.Null(reader.Read("20261120T090000000-" + new string('a', 32) + ".eml"));
    }

    [Theory]
    [InlineData("20261120T090000000-0123456789abcdef0123456789abcdef.eml", true)]
    [InlineData("../20261120T090000000-0123456789abcdef0123456789abcdef.eml", false)]
    [InlineData("..\\20261120T090000000-0123456789abcdef0123456789abcdef.eml", false)]
    [InlineData("/etc/20261120T090000000-0123456789abcdef0123456789abcdef.eml", false)]
    [InlineData("20261120T090000000-0123456789abcdef0123456789abcdef.eml/", false)]
    [InlineData("20261120T090000000-0123456789abcdef0123456789abcdef.eml\n", false)]
    [InlineData(".20261120T090000000-0123456789abcdef0123456789abcdef.eml.tmp", false)]
    [InlineData("20261120T090000000-0123456789ABCDEF0123456789abcdef.eml", false)]
    [InlineData("20261120T090000000-0123456789abcdef0123456789abcde.eml", false)]
    [InlineData("20261120T090000000-0123456789abcdef0123456789abcdef.txt", false)]
    [InlineData("..", false)]
    [InlineData("privacy.key", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_names_the_transport_writes_are_accepted(string? name, bool accepted) =>
        Assert.Equal(accepted, OutboxReader.IsMessageName(name));

    [Fact]
    public async Task A_path_outside_the_folder_is_never_read_even_when_the_file_exists()
    {
        var name = "20261120T090000000-0123456789abcdef0123456789abcdef.eml";
        await File.WriteAllTextAsync(Path.Combine(_data, name), "Subject: outside\r\n\r\nsecret", Ct);
        Directory.CreateDirectory(Path.Combine(_data, "outbox"));

        var reader = new OutboxReader(_data);
        Assert.Null(reader.Find("../" + name));
        Assert.Null(reader.ReadHeaders("../" + name));
        Assert.Null(reader.Read(Path.Combine(_data, name)));
        Assert.Null(reader.Read(name)); // the right pattern, but not in the outbox folder
    }
}
