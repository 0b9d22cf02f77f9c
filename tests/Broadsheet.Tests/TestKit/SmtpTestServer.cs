using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broadsheet.Tests.TestKit;

/// <summary>
/// A real SMTP server for tests, on 127.0.0.1 and a free port. It speaks ESMTP with PIPELINING, 8BITMIME, SMTPUTF8,
/// ENHANCEDSTATUSCODES, SIZE, AUTH PLAIN/LOGIN (when credentials are set) and STARTTLS or implicit TLS (with a
/// self-signed certificate made in memory), records every message it accepts, and injects the faults set in
/// <see cref="Faults"/>. Each connection runs asynchronously and nothing sleeps unless a fault asks for latency, so
/// tens of thousands of messages over many concurrent connections take seconds.
/// </summary>
/// <example>
/// <code>
/// await using var server = SmtpTestServer.Start();
/// server.Faults.RejectMailbox("gone@example.org");
/// // ... send with server.ToSmtpOptions() ...
/// await server.WaitForAsync(1, TimeSpan.FromSeconds(10));
/// Assert.Equal("reader@example.org", server.Messages[0].Recipients[0]);
/// </code>
/// </example>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly Socket listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<long, SmtpTestSession> sessions = new();
    private readonly ConcurrentDictionary<long, Task> running = new();
    private readonly ConcurrentQueue<ReceivedMail> accepted = new();
    private readonly ConcurrentQueue<ReceivedMail> dropped = new();
    private readonly Lock waitersGate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> waiters = [];
    private readonly Task acceptLoop;
    private int waiting;
    private int acceptedCount;
    private int droppedCount;
    private long connectionsOpened;
    private int quits;
    private int disposed;

    private SmtpTestServer(SmtpTestServerOptions options)
    {
        Options = options;
        if (options.Tls != SmtpTestTls.None)
        {
            Certificate = CreateCertificate();
        }

        listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1024);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        acceptLoop = AcceptAsync();
    }

    /// <summary>Always 127.0.0.1: tests talk to nothing else.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The port the server listens on, chosen by the system.</summary>
    public int Port { get; }

    /// <summary>How the server was set up.</summary>
    public SmtpTestServerOptions Options { get; }

    /// <summary>The self-signed certificate (CN=localhost, SAN localhost and 127.0.0.1) when TLS is on; otherwise null.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The faults to inject; change them at any time.</summary>
    public SmtpFaults Faults { get; } = new();

    /// <summary>A snapshot of the accepted messages, in the order they were accepted.</summary>
    public IReadOnlyList<ReceivedMail> Messages => accepted.ToArray();

    /// <summary>How many messages were accepted (answered 250 after DATA).</summary>
    public int MessageCount => Volatile.Read(ref acceptedCount);

    /// <summary>A snapshot of the messages whose data was read in full before the connection was dropped on purpose (<see cref="SmtpFaults.DropAfterData"/>).</summary>
    public IReadOnlyList<ReceivedMail> DroppedAfterData => dropped.ToArray();

    /// <summary>How many messages were dropped after their data.</summary>
    public int DroppedAfterDataCount => Volatile.Read(ref droppedCount);

    /// <summary>How many TCP connections the server has accepted, black-holed ones included.</summary>
    public int ConnectionsOpened => (int)Interlocked.Read(ref connectionsOpened);

    /// <summary>How many times a client said QUIT.</summary>
    public int QuitsReceived => Volatile.Read(ref quits);

    /// <summary>How many connections are open right now.</summary>
    public int OpenConnections => sessions.Count;

    /// <summary>
    /// How many connections are open right now from a client that gave <paramref name="clientName"/> in EHLO. None
    /// after a sender was killed means every message it got through is in <see cref="Messages"/>.
    /// </summary>
    public int OpenConnectionsFrom(string clientName) => sessions.Values.Count(s => s.ClientName == clientName);

    /// <summary>Starts a server on 127.0.0.1 and a free port; it is listening when this returns.</summary>
    public static SmtpTestServer Start(SmtpTestServerOptions? options = null) => new(options ?? new SmtpTestServerOptions());

    /// <summary>Settings for Broadsheet's SMTP transport that point at this server (TLS certificate accepted, credentials filled in).</summary>
    public SmtpOptions ToSmtpOptions(int connections = 2) => new()
    {
        Host = Host,
        Port = Port,
        Security = Options.Tls switch
        {
            SmtpTestTls.StartTls => SmtpSecurity.StartTls,
            SmtpTestTls.Implicit => SmtpSecurity.Tls,
            _ => SmtpSecurity.None,
        },
        Username = Options.Username ?? "",
        Password = Options.Password ?? "",
        AcceptInvalidCertificate = Options.Tls != SmtpTestTls.None,
        Connections = connections,
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Completes once at least <paramref name="count"/> messages have been accepted.</summary>
    /// <exception cref="TimeoutException">They did not arrive within <paramref name="timeout"/>; the message says how many did.</exception>
    public async Task WaitForAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // Announce the waiter before looking at the count; RecordAccepted counts before looking for waiters, so one
        // of the two always sees the other.
        Interlocked.Increment(ref waiting);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = (count, done);
        try
        {
            lock (waitersGate)
            {
                if (MessageCount >= count)
                {
                    return;
                }

                waiters.Add(entry);
            }

            await done.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Expected {count} accepted message(s) within {timeout.TotalSeconds:0.###} s; {MessageCount} arrived, {DroppedAfterDataCount} dropped after data.");
        }
        finally
        {
            lock (waitersGate)
            {
                waiters.Remove(entry);
            }

            Interlocked.Decrement(ref waiting);
        }
    }

    /// <summary>Stops listening, closes every connection and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync();
        listener.Dispose();
        foreach (var session in sessions.Values)
        {
            session.Abort();
        }

        try
        {
            await Task.WhenAll(running.Values.Append(acceptLoop)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // A session stuck in a TLS handshake with a dead client; its socket is closed, so it ends by itself.
        }

        stopping.Dispose();
        Certificate?.Dispose();
    }

    internal void RecordAccepted(ReceivedMail mail)
    {
        accepted.Enqueue(mail);
        var count = Interlocked.Increment(ref acceptedCount);
        if (Volatile.Read(ref waiting) == 0)
        {
            return;
        }

        lock (waitersGate)
        {
            foreach (var (wanted, done) in waiters)
            {
                if (count >= wanted)
                {
                    done.TrySetResult();
                }
            }
        }
    }

    internal void RecordQuit() => Interlocked.Increment(ref quits);

    internal void RecordDropped(ReceivedMail mail)
    {
        dropped.Enqueue(mail);
        Interlocked.Increment(ref droppedCount);
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref connectionsOpened);
            var session = new SmtpTestSession(this, socket, id);
            sessions[id] = session;
            running[id] = RunAsync(id, session, socket);
        }
    }

    private async Task RunAsync(long id, SmtpTestSession session, Socket socket)
    {
        try
        {
            await Task.Yield();
            await session.RunAsync(stopping.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
            or System.Security.Authentication.AuthenticationException or InvalidDataException)
        {
            // The client went away, a TLS handshake failed, or the server is stopping: the connection simply ends.
        }
        finally
        {
            socket.Dispose();
            sessions.TryRemove(id, out _);
            running.TryRemove(id, out _);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        // SslStream wants a certificate whose key it can hand to the TLS layer; a PKCS#12 round trip gives one on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
