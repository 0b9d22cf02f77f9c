using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// One connection to an <see cref="SmtpTestServer"/>: the SMTP conversation, with the faults applied. Replies are
/// gathered and written when the client's pipelined commands are used up, so a pipelining client costs one write
/// per round trip, as with a real server.
/// </summary>
internal sealed class SmtpTestSession(SmtpTestServer server, Socket socket, long id)
{
    private const int MaxLineLength = 1024 * 1024;
    private const int MaxRecipients = 100;

    private readonly ArrayBufferWriter<byte> output = new(1024);
    private readonly MemoryStream content = new();
    private readonly List<string> recipients = [];
    private Stream stream = null!;
    private byte[] input = new byte[16 * 1024];
    private int start;
    private int end;
    private bool greeted;
    private string clientName = "";
    private bool secure;
    private string? user;
    private string? sender;
    private bool utf8;
    private int accepted;

    private SmtpFaults Faults => server.Faults;

    private SmtpTestServerOptions Options => server.Options;

    public void Abort() => socket.Dispose();

    /// <summary>The name the client gave in EHLO or HELO; empty before it did.</summary>
    public string ClientName => Volatile.Read(ref clientName);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (Faults.BlackHole)
            {
                // Read and drop whatever comes until the client gives up, so its bytes never back up.
                while (await stream.ReadAsync(input, cancellationToken) > 0)
                {
                }

                return;
            }

            if (Options.Tls == SmtpTestTls.Implicit)
            {
                await StartTlsAsync(cancellationToken);
            }

            if (Faults.RefuseGreeting.TryFire())
            {
                await ReplyAsync("421 4.3.2 Service not available, closing transmission channel", cancellationToken);
                await FlushAsync(cancellationToken);
                return;
            }

            await ReplyAsync("220 127.0.0.1 ESMTP Broadsheet test server ready", cancellationToken);
            while (await ReadCommandAsync(cancellationToken) is { } line)
            {
                if (!await HandleAsync(line, cancellationToken))
                {
                    break;
                }
            }

            await FlushAsync(cancellationToken);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private async Task<bool> HandleAsync(string line, CancellationToken cancellationToken)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "EHLO":
                greeted = true;
                Volatile.Write(ref clientName, argument);
                ResetTransaction();
                await ReplyAsync(Capabilities(), cancellationToken);
                return true;
            case "HELO":
                greeted = true;
                Volatile.Write(ref clientName, argument);
                ResetTransaction();
                await ReplyAsync("250 127.0.0.1", cancellationToken);
                return true;
            case "STARTTLS":
                return await HandleStartTlsAsync(cancellationToken);
            case "AUTH":
                await HandleAuthAsync(argument, cancellationToken);
                return true;
            case "MAIL":
                await ReplyAsync(Mail(argument), cancellationToken);
                return true;
            case "RCPT":
                await ReplyAsync(Recipient(argument), cancellationToken);
                return true;
            case "DATA":
                return await HandleDataAsync(cancellationToken);
            case "RSET":
                ResetTransaction();
                await ReplyAsync("250 2.0.0 OK", cancellationToken);
                return true;
            case "NOOP":
                await ReplyAsync("250 2.0.0 OK", cancellationToken);
                return true;
            case "VRFY":
                await ReplyAsync("252 2.5.0 Cannot VRFY user, but will accept the message", cancellationToken);
                return true;
            case "QUIT":
                server.RecordQuit();
                await ReplyAsync("221 2.0.0 Bye", cancellationToken);
                return false;
            default:
                await ReplyAsync("500 5.5.2 Command not recognized", cancellationToken);
                return true;
        }
    }

    private string Capabilities()
    {
        var lines = new List<string>
        {
            "127.0.0.1 greets you",
            "PIPELINING",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            string.Create(CultureInfo.InvariantCulture, $"SIZE {Options.MaxMessageSize}"),
        };
        if (Options.Tls == SmtpTestTls.StartTls && !secure)
        {
            lines.Add("STARTTLS");
        }

        if (Options.RequiresAuth)
        {
            lines.Add("AUTH PLAIN LOGIN");
        }

        var reply = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            reply.Append("250").Append(i == lines.Count - 1 ? ' ' : '-').Append(lines[i]);
            if (i < lines.Count - 1)
            {
                reply.Append("\r\n");
            }
        }

        return reply.ToString();
    }

    private async Task<bool> HandleStartTlsAsync(CancellationToken cancellationToken)
    {
        if (Options.Tls != SmtpTestTls.StartTls || secure)
        {
            await ReplyAsync(secure ? "503 5.5.1 TLS already active" : "502 5.5.1 STARTTLS not offered", cancellationToken);
            return true;
        }

        await ReplyAsync("220 2.0.0 Ready to start TLS", cancellationToken);
        await FlushAsync(cancellationToken);
        await StartTlsAsync(cancellationToken);
        // RFC 3207: everything known before the handshake is forgotten, the client says EHLO again.
        greeted = false;
        user = null;
        ResetTransaction();
        return true;
    }

    private async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = server.Certificate }, cancellationToken);
        stream = tls;
        secure = true;
        // Plain bytes a client sent after STARTTLS are an injection attempt; they never reach the TLS session.
        start = end = 0;
    }

    private async Task HandleAuthAsync(string argument, CancellationToken cancellationToken)
    {
        if (!Options.RequiresAuth)
        {
            await ReplyAsync("502 5.5.1 AUTH not offered", cancellationToken);
            return;
        }

        if (!greeted || user is not null || sender is not null)
        {
            await ReplyAsync("503 5.5.1 Bad sequence of commands", cancellationToken);
            return;
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        var initial = parts.Length > 1 ? parts[1] : null;
        string? name;
        string? password;
        switch (mechanism)
        {
            case "PLAIN":
                var response = initial ?? await ChallengeAsync("", cancellationToken);
                var fields = response is null ? null : Decode(response)?.Split('\0');
                name = fields is { Length: 3 } ? fields[1] : null;
                password = fields is { Length: 3 } ? fields[2] : null;
                break;
            case "LOGIN":
                var encodedName = initial ?? await ChallengeAsync("VXNlcm5hbWU6", cancellationToken);
                name = encodedName is null ? null : Decode(encodedName);
                var encodedPassword = name is null ? null : await ChallengeAsync("UGFzc3dvcmQ6", cancellationToken);
                password = encodedPassword is null ? null : Decode(encodedPassword);
                break;
            default:
                await ReplyAsync("504 5.5.4 Unrecognized authentication type", cancellationToken);
                return;
        }

        if (name is null || password is null)
        {
            await ReplyAsync("501 5.5.2 Cannot decode the response, or authentication cancelled", cancellationToken);
        }
        else if (name == Options.Username && password == Options.Password)
        {
            user = name;
            await ReplyAsync("235 2.7.0 Authentication successful", cancellationToken);
        }
        else
        {
            await ReplyAsync("535 5.7.8 Authentication credentials invalid", cancellationToken);
        }
    }

    private async Task<string?> ChallengeAsync(string challenge, CancellationToken cancellationToken)
    {
        await ReplyAsync("334 " + challenge, cancellationToken);
        var response = await ReadCommandAsync(cancellationToken);
        return response is null or "*" ? null : response;
    }

    private static string? Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private string Mail(string argument)
    {
        if (!greeted)
        {
            return "503 5.5.1 Send EHLO first";
        }

        if (Options.RequiresAuth && user is null)
        {
            return "530 5.7.0 Authentication required";
        }

        if (sender is not null)
        {
            return "503 5.5.1 Sender already given";
        }

        if (!TryParsePath(argument, "FROM:", out var address, out var parameters))
        {
            return "501 5.5.4 Syntax: MAIL FROM:<address>";
        }

        foreach (var parameter in parameters)
        {
            if (parameter.StartsWith("SIZE=", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(parameter.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                && size > Options.MaxMessageSize)
            {
                return "552 5.3.4 Message size exceeds fixed maximum message size";
            }
        }

        sender = address;
        utf8 = parameters.Any(p => p.Equals("SMTPUTF8", StringComparison.OrdinalIgnoreCase));
        return "250 2.1.0 Sender OK";
    }

    private string Recipient(string argument)
    {
        if (sender is null)
        {
            return "503 5.5.1 Need MAIL before RCPT";
        }

        if (!TryParsePath(argument, "TO:", out var address, out _) || address.Length == 0)
        {
            return "501 5.5.4 Syntax: RCPT TO:<address>";
        }

        if (Faults.IsRejected(address))
        {
            return $"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table";
        }

        if (Faults.IsDeferred(address))
        {
            return $"450 4.2.1 <{address}>: Mailbox temporarily unavailable, try again later";
        }

        if (Faults.DeferRecipient.TryFire())
        {
            return "451 4.3.0 Temporary local problem, try again later";
        }

        if (recipients.Count >= MaxRecipients)
        {
            return "452 4.5.3 Too many recipients";
        }

        recipients.Add(address);
        return "250 2.1.5 Recipient OK";
    }

    private async Task<bool> HandleDataAsync(CancellationToken cancellationToken)
    {
        if (sender is null)
        {
            await ReplyAsync("503 5.5.1 Need MAIL before DATA", cancellationToken);
            return true;
        }

        if (recipients.Count == 0)
        {
            await ReplyAsync("554 5.5.1 No valid recipients", cancellationToken);
            return true;
        }

        await ReplyAsync("354 Start mail input; end with <CRLF>.<CRLF>", cancellationToken);
        if (!await ReadDataAsync(cancellationToken))
        {
            return false;
        }

        var raw = content.ToArray();
        var mail = new ReceivedMail(
            id, sender, recipients.ToArray(), Options.KeepContent ? raw : [], ReceivedMail.FindMessageId(raw), secure, user, utf8, clientName);
        ResetTransaction();
        if (Faults.DropAfterData.TryFire())
        {
            server.RecordDropped(mail);
            return false;
        }

        if (raw.Length > Options.MaxMessageSize)
        {
            await ReplyAsync("552 5.3.4 Message size exceeds fixed maximum message size", cancellationToken);
            return true;
        }

        if (Faults.RejectData.TryFire())
        {
            await ReplyAsync("554 5.6.0 Message content rejected", cancellationToken);
            return true;
        }

        server.RecordAccepted(mail);
        accepted++;
        await ReplyAsync(string.Create(CultureInfo.InvariantCulture, $"250 2.0.0 OK: queued as {id}.{accepted}"), cancellationToken);
        var closeAfter = Faults.CloseAfterMessages;
        return closeAfter == 0 || accepted < closeAfter;
    }

    private void ResetTransaction()
    {
        sender = null;
        utf8 = false;
        recipients.Clear();
    }

    /// <summary>Parses <c>FROM:&lt;a@b&gt; PARAM=1</c>; the address comes back without its brackets.</summary>
    private static bool TryParsePath(string argument, string keyword, out string address, out string[] parameters)
    {
        address = "";
        parameters = [];
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = argument[keyword.Length..].TrimStart();
        var close = rest.IndexOf('>', StringComparison.Ordinal);
        if (!rest.StartsWith('<') || close < 0)
        {
            return false;
        }

        address = rest[1..close];
        parameters = rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    private async Task ReplyAsync(string reply, CancellationToken cancellationToken)
    {
        var latency = Faults.ReplyLatency;
        if (latency > TimeSpan.Zero)
        {
            await FlushAsync(cancellationToken);
            await Task.Delay(latency, cancellationToken);
        }

        var bytes = output.GetSpan(Encoding.UTF8.GetMaxByteCount(reply.Length) + 2);
        var written = Encoding.UTF8.GetBytes(reply, bytes);
        bytes[written] = (byte)'\r';
        bytes[written + 1] = (byte)'\n';
        output.Advance(written + 2);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (output.WrittenCount == 0)
        {
            return;
        }

        await stream.WriteAsync(output.WrittenMemory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        output.ResetWrittenCount();
    }

    private async ValueTask<string?> ReadCommandAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTakeLine(out var lineStart, out var length))
            {
                return Encoding.UTF8.GetString(input, lineStart, length);
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>Reads the message data up to the lone dot into <see cref="content"/>, undoing dot-stuffing.</summary>
    private async ValueTask<bool> ReadDataAsync(CancellationToken cancellationToken)
    {
        content.SetLength(0);
        while (true)
        {
            while (TryTakeLine(out var lineStart, out var length))
            {
                var line = input.AsSpan(lineStart, length);
                if (line is [(byte)'.'])
                {
                    return true;
                }

                content.Write(line is [(byte)'.', ..] ? line[1..] : line);
                content.Write("\r\n"u8);
            }

            if (!await FillAsync(cancellationToken))
            {
                return false;
            }
        }
    }

    private bool TryTakeLine(out int lineStart, out int length)
    {
        var newline = input.AsSpan(start, end - start).IndexOf((byte)'\n');
        if (newline < 0)
        {
            lineStart = length = 0;
            return false;
        }

        lineStart = start;
        length = newline > 0 && input[start + newline - 1] == '\r' ? newline - 1 : newline;
        start += newline + 1;
        return true;
    }

    /// <summary>Writes the gathered replies, then reads more; false at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        if (start > 0)
        {
            Buffer.BlockCopy(input, start, input, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == input.Length)
        {
            if (input.Length >= MaxLineLength)
            {
                throw new InvalidDataException("An SMTP line was longer than the test server allows.");
            }

            Array.Resize(ref input, input.Length * 2);
        }

        var read = await stream.ReadAsync(input.AsMemory(end), cancellationToken);
        end += read;
        return read > 0;
    }
}
