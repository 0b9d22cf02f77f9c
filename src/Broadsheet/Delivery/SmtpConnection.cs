using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// One persistent session of a <see cref="SmtpTransport"/>'s pool: opened on first use (EHLO, STARTTLS or TLS, AUTH),
/// kept for the next message, opened afresh when it was lost. Used by one message at a time.
/// Every way a send can end is turned into an <see cref="SmtpAttempt"/>; only the caller's cancellation is thrown.
/// </summary>
internal sealed class SmtpConnection(SmtpOptions options, TimeProvider time) : IDisposable
{
    private readonly SmtpDataProgress progress = new();
    private SmtpClient? client;

    public bool IsOpen => client?.IsConnected == true;

    /// <summary>How many times this connection was (re)opened; the pool logs it.</summary>
    public int Opened { get; private set; }

    public async Task<SmtpAttempt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!IsOpen && await OpenAsync(cancellationToken) is { } failure)
        {
            return failure;
        }

        progress.Reset();
        try
        {
            var reply = await client!.SendAsync(
                FormatOptions.Default, message.Mime, message.EnvelopeSender, [message.Recipient], cancellationToken, progress);
            return SmtpAttempt.Final(TransportResult.Sent(SmtpReplyText.Describe(250, reply)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Close();
            throw;
        }
        catch (SmtpCommandException e)
        {
            return FromReply(e);
        }
        catch (ServiceNotAuthenticatedException)
        {
            Close();
            return SmtpAttempt.Final(Unreachable("the relay requires authentication and none is configured", 530), "authentication required");
        }
        catch (NotSupportedException)
        {
            // MailKit refuses before sending anything when an address needs SMTPUTF8 and the relay does not offer it.
            return SmtpAttempt.Final(new TransportResult(TransportOutcome.Rejected, "the relay does not offer SMTPUTF8, which this address needs"));
        }
#pragma warning disable CA1031 // The contract is a result for every failure; a transport that throws would stall the outbox.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Close();
            return FromLostConnection(e);
        }
    }

    /// <summary>Says QUIT and closes; errors are of no interest by then.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true } open)
        {
            try
            {
                await open.DisconnectAsync(quit: true, cancellationToken);
            }
#pragma warning disable CA1031 // A relay that is already gone needs no goodbye.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        Close();
    }

    public void Dispose() => Close();

    private async Task<SmtpAttempt?> OpenAsync(CancellationToken cancellationToken)
    {
        Close();
        client = new InPlaceMeasuringSmtpClient { Timeout = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds) };
        if (options.LocalDomain.Length > 0)
        {
            client.LocalDomain = options.LocalDomain;
        }

        if (options.AcceptInvalidCertificate)
        {
#pragma warning disable CA5359 // The operator's explicit choice for a relay with a self-signed certificate on a private network.
            client.ServerCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            client.CheckCertificateRevocation = false;
        }

        // MailKit bounds each read, write and the TCP connect by Timeout; this guard, on the injected clock, bounds the
        // whole opening (greeting, EHLO, STARTTLS, EHLO, AUTH) so no mix of slow steps can hold a pool slot forever.
        using var guard = new CancellationTokenSource(options.Timeout * 4, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, guard.Token);
        try
        {
            // Our own socket, to turn Nagle's algorithm off: with Nagle the last, short segment of every message waits
            // for the server's delayed ACK (about 40 ms), which capped a connection at some 20 messages a second
            // (bench/send).
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var connectTimeout = new CancellationTokenSource(options.Timeout, time);
                using var connecting = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, connectTimeout.Token);
                await socket.ConnectAsync(options.Host, options.Port, connecting.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            // MailKit talks through SmtpWireStream: a message goes out in one send rather than in 4 KiB pieces.
            var wire = new SmtpWireStream(socket);
            try
            {
                await client.ConnectAsync(wire, options.Host, options.Port, SocketOptions(options.Security), linked.Token);
            }
            catch
            {
                wire.Dispose();
                throw;
            }

            if (options.Username.Length > 0)
            {
                await client.AuthenticateAsync(options.Username, options.Password, linked.Token);
            }

            Opened++;
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Close();
            throw;
        }
#pragma warning disable CA1031 // Every way of failing to open becomes a Deferred result with its reason.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Close();
            return FromFailedOpen(e);
        }
    }

    private SmtpAttempt FromFailedOpen(Exception e)
    {
        switch (e)
        {
            case SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable } reply:
                return SmtpAttempt.Retryable(Unreachable("the relay is not taking connections: " + Describe(reply), 421, reply), "421 on opening");
            case SmtpCommandException reply:
                return SmtpAttempt.Final(Unreachable("the relay refused the session: " + Describe(reply), (int)reply.StatusCode, reply), "refused the session");
            case AuthenticationException:
                var inner = e.InnerException as SmtpCommandException;
                var code = inner is null ? 535 : (int)inner.StatusCode;
                return SmtpAttempt.Final(Unreachable("authentication with the relay failed (check the username and password)", code, inner), "authentication failed");
            case SslHandshakeException:
                return SmtpAttempt.Final(Unreachable("the TLS handshake with the relay failed (certificate not trusted, or TLS not spoken on this port)"), "TLS handshake failed");
            case NotSupportedException:
                return SmtpAttempt.Final(Unreachable("the relay does not offer what the settings ask for (STARTTLS or AUTH)"), "extension not offered");
            case SocketException socket:
                return SmtpAttempt.Retryable(Unreachable($"could not connect to the relay ({socket.SocketErrorCode})"), "could not connect");
            default:
                return IsTimeout(e)
                    ? SmtpAttempt.Final(Unreachable($"the relay did not answer within {Seconds(options.Timeout)} s (timed out)"), "timed out")
                    : SmtpAttempt.Retryable(Unreachable($"the connection to the relay was lost while opening ({e.GetType().Name})"), "dropped while opening");
        }
    }

    private SmtpAttempt FromReply(SmtpCommandException e)
    {
        var code = (int)e.StatusCode;
        var enhanced = SmtpReplyText.EnhancedCode(e.Message);
        if (!IsOpen)
        {
            Close();
        }

        if (e.StatusCode == SmtpStatusCode.ServiceNotAvailable && !progress.Started)
        {
            // 421: the server is closing this session; nothing of the message went out, so another session may take it.
            Close();
            return SmtpAttempt.Retryable(Unreachable("the relay closed the session: " + Describe(e), code, e), "421 before the message data");
        }

        if (e.ErrorCode == SmtpErrorCode.SenderNotAccepted && code >= 500)
        {
            // A relay that refuses our envelope sender refuses every message: a transport problem, not the recipient's.
            return SmtpAttempt.Final(Unreachable("the relay refused the envelope sender: " + Describe(e), code, e), "sender refused");
        }

        var outcome = code is >= 400 and < 500 ? TransportOutcome.Deferred : TransportOutcome.Rejected;
        return SmtpAttempt.Final(new TransportResult(outcome, Describe(e), code, enhanced));
    }

    private SmtpAttempt FromLostConnection(Exception e)
    {
        if (progress.Started)
        {
            var what = IsTimeout(e) ? "no reply came in time" : "the connection was lost";
            return SmtpAttempt.Final(
                new TransportResult(TransportOutcome.Unknown, $"the message data was sent but {what} before the server's reply: it may or may not have been delivered"),
                "lost after the message data");
        }

        return IsTimeout(e)
            ? SmtpAttempt.Final(Unreachable($"the relay did not answer within {Seconds(options.Timeout)} s (timed out)"), "timed out")
            : SmtpAttempt.Retryable(Unreachable($"the connection to the relay was lost before the message data ({e.GetType().Name})"), "dropped before the message data");
    }

    private static TransportResult Unreachable(string detail, int? code = null, SmtpCommandException? reply = null) =>
        new(TransportOutcome.Deferred, detail, code, reply is null ? null : SmtpReplyText.EnhancedCode(reply.Message), ConnectionFailure: true);

    private static string Describe(SmtpCommandException e) => SmtpReplyText.Describe((int)e.StatusCode, e.Message);

    // MailKit reports its own read and write timeouts as a cancellation the caller did not ask for, and a connect
    // timeout as TimeoutException; the opening guard is a cancellation too.
    private static bool IsTimeout(Exception e) =>
        e is TimeoutException or OperationCanceledException
        || e.InnerException is TimeoutException or OperationCanceledException
        || (e.InnerException ?? e) is SocketException { SocketErrorCode: SocketError.TimedOut };

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Unknown SMTP security mode."),
    };

    private void Close()
    {
        client?.Dispose();
        client = null;
    }

    /// <summary>
    /// MailKit measures a message before its MAIL FROM when the relay offers SIZE (nearly all do); its asynchronous
    /// send measured asynchronously, which waited for a held end (<see cref="HeldEnd"/>) as if the message were going
    /// out: the envelope and the data then waited for the previous outcome's commit instead of going out while it ran.
    /// Measured synchronously, in memory, nothing waits, and the async writing it saves was work for nothing.
    /// </summary>
    private sealed class InPlaceMeasuringSmtpClient : SmtpClient
    {
        protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(GetSize(options, message, cancellationToken));
    }
}
