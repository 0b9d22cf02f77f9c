using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// Reads the mailbox bounces and complaints arrive in (<c>Broadsheet:Mail:Bounces</c>) over POP3 or IMAP. A message
/// is deleted only after its handler said it was dealt with, so a crash between fetching and recording loses nothing:
/// the message is read again on the next poll. Handlers must therefore be idempotent.
/// </summary>
public sealed partial class BounceMailbox(IOptions<BroadsheetOptions> options, ILogger<BounceMailbox> logger)
{
    // BounceOptions has no timeout of its own: a mailbox server is local or a large provider, and a minute per
    // command is long enough for either while keeping a dead connection from holding the poller for long.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    // Saying goodbye commits POP3 deletions and expunges IMAP ones; it must not hold up a shutdown for long.
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>False when no protocol is set: then there is no mailbox to poll.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Mail.Bounces.Protocol);

    /// <summary>
    /// Fetches every waiting message, hands each to <paramref name="handle"/>, and deletes those it answered true for
    /// (POP3 DELE made final by QUIT; IMAP \Deleted then EXPUNGE). When the handler throws, the deletions so far are
    /// still made final, and the exception goes to the caller.
    /// </summary>
    /// <returns>How many messages were handled (and so deleted); 0 when no mailbox is configured.</returns>
    /// <exception cref="BounceMailboxException">The mailbox could not be reached, refused the login, or the connection
    /// failed while reading; messages not yet deleted are read again on the next poll.</exception>
    public async Task<int> PollOnceAsync(Func<MimeMessage, CancellationToken, Task<bool>> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var settings = options.Value.Mail.Bounces;
        var protocol = settings.Protocol.Trim();
        if (protocol.Length == 0)
        {
            return 0;
        }

        if (string.Equals(protocol, "Pop3", StringComparison.OrdinalIgnoreCase))
        {
            using var pop3 = new Pop3Client();
            return await PollAsync(pop3, settings, Name("POP3", settings), handle, cancellationToken);
        }

        if (string.Equals(protocol, "Imap", StringComparison.OrdinalIgnoreCase))
        {
            using var imap = new ImapClient();
            return await PollAsync(imap, settings, Name("IMAP", settings), handle, cancellationToken);
        }

        throw new BounceMailboxException("Broadsheet:Mail:Bounces:Protocol must be Imap or Pop3 (or empty for no mailbox).");
    }

    private async Task<int> PollAsync(
        MailService client, BounceOptions settings, string where, Func<MimeMessage, CancellationToken, Task<bool>> handle, CancellationToken cancellationToken)
    {
        await OpenAsync(client, settings, where, cancellationToken);
        var handled = 0;
        var waiting = 0;
        // What the handler throws is the caller's business, not a mailbox failure, whatever its type.
        var inHandler = false;
        try
        {
            if (client is Pop3Client pop3)
            {
                waiting = pop3.Count;
                for (var index = 0; index < waiting; index++)
                {
                    var message = await pop3.GetMessageAsync(index, cancellationToken);
                    inHandler = true;
                    var done = await handle(message, cancellationToken);
                    inHandler = false;
                    if (done)
                    {
                        await pop3.DeleteMessageAsync(index, cancellationToken);
                        handled++;
                    }
                }

                // Only QUIT makes POP3 deletions final; a connection lost before it leaves every message in place.
                await pop3.DisconnectAsync(quit: true, cancellationToken);
            }
            else if (client is ImapClient imap)
            {
                var inbox = imap.Inbox;
                await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
                // Messages flagged by a poll that died before its EXPUNGE were handled already: skip them, and the
                // EXPUNGE below removes them too.
                var uids = await inbox.SearchAsync(SearchQuery.NotDeleted, cancellationToken);
                waiting = uids.Count;
                foreach (var uid in uids)
                {
                    MimeMessage message;
                    try
                    {
                        message = await inbox.GetMessageAsync(uid, cancellationToken);
                    }
                    catch (MessageNotFoundException)
                    {
                        continue; // Removed by another client since the search.
                    }

                    inHandler = true;
                    var done = await handle(message, cancellationToken);
                    inHandler = false;
                    if (done)
                    {
                        await inbox.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, cancellationToken);
                        handled++;
                    }
                }

                await inbox.ExpungeAsync(cancellationToken);
                await imap.DisconnectAsync(quit: true, cancellationToken);
            }
        }
        catch (Exception e) when (!inHandler && IsMailboxFailure(e))
        {
            throw new BounceMailboxException($"Reading the bounce mailbox ({where}) failed: {Describe(e)}.");
        }
        finally
        {
            // Reached still connected when the handler threw or the poll was cancelled: make the deletions so far final.
            await GoodbyeAsync(client);
        }

        if (waiting > 0)
        {
            LogPolled(where, waiting, handled);
        }

        return handled;
    }

    private static async Task OpenAsync(MailService client, BounceOptions settings, string where, CancellationToken cancellationToken)
    {
        client.Timeout = (int)CommandTimeout.TotalMilliseconds;
        if (settings.AcceptInvalidCertificate)
        {
#pragma warning disable CA5359 // The operator's explicit choice for a mail server with a self-signed certificate on a private network.
            client.ServerCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            client.CheckCertificateRevocation = false;
        }

        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, SocketOptions(settings.Security), cancellationToken);
        }
        catch (Exception e) when (IsMailboxFailure(e) || e is ArgumentException)
        {
            throw new BounceMailboxException($"The bounce mailbox ({where}) could not be reached: {Describe(e)}.");
        }

        if (settings.Username.Length == 0)
        {
            return;
        }

        try
        {
            await client.AuthenticateAsync(settings.Username, settings.Password, cancellationToken);
        }
        catch (AuthenticationException)
        {
            // The server's own words are left out: some echo the username back.
            throw new BounceMailboxException($"The bounce mailbox ({where}) refused the configured username and password.");
        }
        catch (Exception e) when (IsMailboxFailure(e))
        {
            throw new BounceMailboxException($"Logging in to the bounce mailbox ({where}) failed: {Describe(e)}.");
        }
    }

    private static async Task GoodbyeAsync(MailService client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(GoodbyeTimeout);
        try
        {
            if (client is ImapClient { Inbox.IsOpen: true } imap)
            {
                await imap.Inbox.ExpungeAsync(timeout.Token);
            }

            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e) when (IsMailboxFailure(e) || e is OperationCanceledException)
        {
            // Whatever was not made final is read again next time.
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.SslOnConnect,
    };

    private static bool IsMailboxFailure(Exception e) =>
        e is IOException or SocketException or TimeoutException or ProtocolException or CommandException
            or SslHandshakeException or AuthenticationException or ServiceNotConnectedException
            or ServiceNotAuthenticatedException or FolderNotFoundException or FolderNotOpenException;

    // Words chosen here rather than the exceptions' own, which can carry the server's reply (and so the username).
    private static string Describe(Exception e) => e switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.TimedOut } or TimeoutException => "timed out",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "host name not found",
        SocketException socket => $"network error ({socket.SocketErrorCode})",
        SslHandshakeException => "the TLS handshake failed (certificate not trusted, or TLS not spoken on this port; see Security and AcceptInvalidCertificate)",
        AuthenticationException => "the login was refused",
        ProtocolException => "the server broke off or did not answer as the protocol says",
        CommandException => "the server refused a command",
        FolderNotFoundException or FolderNotOpenException => "the inbox could not be opened",
        ArgumentException => "the host or port is not valid",
        _ => "the connection was lost",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce mailbox ({Mailbox}): {Handled} of {Waiting} waiting message(s) handled and deleted")]
    private partial void LogPolled(string mailbox, int waiting, int handled);

    /// <summary>How the mailbox is named in messages: protocol, host and port; never the username, often an address.</summary>
    private static string Name(string protocol, BounceOptions settings) =>
        string.Create(CultureInfo.InvariantCulture, $"{protocol} at {settings.Host}:{settings.Port}");
}
