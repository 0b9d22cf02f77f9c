using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// A small real POP3 server (RFC 1939, with RFC 2449's CAPA) on 127.0.0.1 holding a list of messages: USER/PASS,
/// STAT, LIST, UIDL, RETR, DELE, RSET, NOOP and QUIT. As the RFC says, deletions take effect only at QUIT, so a test
/// can see what a dropped or abandoned session leaves behind.
/// </summary>
public sealed class Pop3TestServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<StoredMessage> messages = [];
    private readonly List<string> commands = [];
    private readonly List<Task> sessions = [];
    private readonly string username;
    private readonly string password;
    private readonly Task accepting;
    private int nextUid;

    /// <param name="messages">Whole messages as text; line ends become CRLF.</param>
    public Pop3TestServer(string username, string password, IEnumerable<string> messages)
    {
        this.username = username;
        this.password = password;
        foreach (var message in messages)
        {
            Add(message);
        }

        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>The messages still in the mailbox, as text.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (gate)
            {
                return messages.Select(m => m.Text).ToList();
            }
        }
    }

    /// <summary>Every command received, in order, with PASS's argument masked.</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (gate)
            {
                return commands.ToList();
            }
        }
    }

    public void Add(string message)
    {
        var text = message.ReplaceLineEndings("\r\n");
        if (!text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text += "\r\n";
        }

        lock (gate)
        {
            messages.Add(new StoredMessage(string.Create(CultureInfo.InvariantCulture, $"uid{++nextUid}"), text));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }

        Task[] running;
        lock (gate)
        {
            running = sessions.ToArray();
        }

        try
        {
            // Sessions end on their own once the token is cancelled; a client that hangs on is not waited for long.
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (gate)
            {
                sessions.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            await new Session(this, stream).RunAsync(reader, stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: nothing is committed, as after any lost POP3 session.
        }
    }

    private sealed record StoredMessage(string Uid, string Text)
    {
        public int Size => Encoding.UTF8.GetByteCount(Text);
    }

    private sealed class Session(Pop3TestServer server, NetworkStream stream)
    {
        private string? givenUser;
        private List<StoredMessage>? maildrop;
        private readonly HashSet<int> deleted = [];

        public async Task RunAsync(StreamReader reader, CancellationToken cancellationToken)
        {
            await SendAsync("+OK Broadsheet test POP3 server ready", cancellationToken);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
                var argument = space < 0 ? "" : line[(space + 1)..];
                lock (server.gate)
                {
                    server.commands.Add(verb == "PASS" ? "PASS ****" : line);
                }

                if (verb == "QUIT")
                {
                    Commit();
                    await SendAsync("+OK bye", cancellationToken);
                    return;
                }

                await SendAsync(Answer(verb, argument), cancellationToken);
            }
        }

        private string Answer(string verb, string argument)
        {
            switch (verb)
            {
                case "CAPA":
                    return "+OK capabilities follow\r\nUSER\r\nUIDL\r\n.";
                case "NOOP":
                    return "+OK";
                case "USER" when maildrop is null:
                    givenUser = argument;
                    return "+OK send PASS";
                case "PASS" when maildrop is null:
                    if (givenUser != server.username || argument != server.password)
                    {
                        givenUser = null;
                        return "-ERR [AUTH] invalid username or password";
                    }

                    lock (server.gate)
                    {
                        maildrop = server.messages.ToList();
                    }

                    return "+OK mailbox locked and ready";
            }

            if (maildrop is null)
            {
                return "-ERR log in first";
            }

            switch (verb)
            {
                case "STAT":
                    var live = Live().ToList();
                    return string.Create(CultureInfo.InvariantCulture, $"+OK {live.Count} {live.Sum(m => m.Message.Size)}");
                case "LIST" or "UIDL" when argument.Length == 0:
                    var lines = Live().Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Number} {(verb == "LIST" ? m.Message.Size : m.Message.Uid)}"));
                    return string.Join("\r\n", ["+OK", .. lines, "."]);
                case "LIST" or "UIDL" or "RETR" or "DELE":
                    if (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                        || number < 1 || number > maildrop.Count || deleted.Contains(number))
                    {
                        return "-ERR no such message";
                    }

                    var message = maildrop[number - 1];
                    return verb switch
                    {
                        "LIST" => string.Create(CultureInfo.InvariantCulture, $"+OK {number} {message.Size}"),
                        "UIDL" => string.Create(CultureInfo.InvariantCulture, $"+OK {number} {message.Uid}"),
                        "DELE" => Delete(number),
                        _ => string.Create(CultureInfo.InvariantCulture, $"+OK {message.Size} octets\r\n{DotStuffed(message.Text)}."),
                    };
                case "RSET":
                    deleted.Clear();
                    return "+OK";
                default:
                    return "-ERR unknown command";
            }
        }

        private string Delete(int number)
        {
            deleted.Add(number);
            return "+OK marked for deletion";
        }

        private IEnumerable<(int Number, StoredMessage Message)> Live() =>
            maildrop!.Select((m, i) => (Number: i + 1, Message: m)).Where(m => !deleted.Contains(m.Number));

        // RFC 1939's UPDATE state: only a session that ends with QUIT removes what it deleted.
        private void Commit()
        {
            if (maildrop is null)
            {
                return;
            }

            var gone = deleted.Select(n => maildrop[n - 1].Uid).ToHashSet(StringComparer.Ordinal);
            lock (server.gate)
            {
                server.messages.RemoveAll(m => gone.Contains(m.Uid));
            }
        }

        // A line starting with "." gets one more, so it cannot be mistaken for the end of the message.
        private static string DotStuffed(string text) =>
            string.Concat(text.Split("\r\n").SkipLast(1).Select(line => (line.StartsWith('.') ? "." + line : line) + "\r\n"));

        private async Task SendAsync(string reply, CancellationToken cancellationToken) =>
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), cancellationToken);
    }
}
