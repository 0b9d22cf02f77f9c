using System.Text;
using MimeKit;

namespace Broadsheet.Tests.TestKit;

/// <summary>One message an <see cref="SmtpTestServer"/> took in: its envelope, its bytes, and how it came.</summary>
public sealed class ReceivedMail
{
    private readonly Lazy<MimeMessage> message;

    internal ReceivedMail(long connectionId, string envelopeSender, IReadOnlyList<string> recipients, byte[] raw, string? messageId, bool secure, string? authenticatedUser, bool utf8, string clientName)
    {
        ConnectionId = connectionId;
        EnvelopeSender = envelopeSender;
        Recipients = recipients;
        Raw = raw;
        MessageId = messageId;
        Secure = secure;
        AuthenticatedUser = authenticatedUser;
        Utf8 = utf8;
        ClientName = clientName;
        message = new Lazy<MimeMessage>(Parse, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The server's number for the connection it came on (1 for the first connection, and so on).</summary>
    public long ConnectionId { get; }

    /// <summary>The MAIL FROM address, without angle brackets; empty for the null sender.</summary>
    public string EnvelopeSender { get; }

    /// <summary>The accepted RCPT TO addresses, in order, without angle brackets.</summary>
    public IReadOnlyList<string> Recipients { get; }

    /// <summary>The message data as received, dot-unstuffed, without the final dot; empty when content is not kept.</summary>
    public byte[] Raw { get; }

    /// <summary>The Message-ID header's value without angle brackets (as <see cref="MimeMessage.MessageId"/> gives it), or null.</summary>
    public string? MessageId { get; }

    /// <summary>True when the message came over TLS (STARTTLS or implicit).</summary>
    public bool Secure { get; }

    /// <summary>The user the client authenticated as, or null.</summary>
    public string? AuthenticatedUser { get; }

    /// <summary>True when MAIL FROM carried the SMTPUTF8 parameter.</summary>
    public bool Utf8 { get; }

    /// <summary>
    /// The name the client gave in its last EHLO (or HELO) on the connection, e.g. a sender's
    /// <c>Broadsheet:Mail:Smtp:LocalDomain</c>: how a test with several sending processes tells which one sent what.
    /// </summary>
    public string ClientName { get; }

    /// <summary>The message parsed by MimeKit, on first use.</summary>
    public MimeMessage Message => message.Value;

    private MimeMessage Parse()
    {
        if (Raw.Length == 0)
        {
            throw new InvalidOperationException("The server was started with KeepContent = false, so the message's bytes were not kept.");
        }

        using var stream = new MemoryStream(Raw, writable: false);
        return MimeMessage.Load(stream);
    }

    /// <summary>Reads the Message-ID from the header block without parsing the whole message.</summary>
    internal static string? FindMessageId(ReadOnlySpan<byte> raw)
    {
        var name = "Message-ID:"u8;
        string? value = null;
        var position = 0;
        while (position < raw.Length)
        {
            var newline = raw[position..].IndexOf((byte)'\n');
            var end = newline < 0 ? raw.Length : position + newline;
            var line = raw[position..end].TrimEnd((byte)'\r');
            position = end + 1;
            if (line.IsEmpty)
            {
                break;
            }

            if (value is not null)
            {
                if (line[0] is (byte)' ' or (byte)'\t')
                {
                    value += Encoding.UTF8.GetString(line);
                    continue;
                }

                break;
            }

            if (line.Length >= name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name))
            {
                value = Encoding.UTF8.GetString(line[name.Length..]);
            }
        }

        return value?.Trim().TrimStart('<').TrimEnd('>');
    }
}
