using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Delivery;

/// <summary>
/// Sends through one SMTP relay on MailKit, over a pool of <see cref="SmtpOptions.Connections"/> persistent
/// connections, within the relay's rate limits. Each message goes with its VERP envelope sender as MAIL FROM and its
/// one recipient as RCPT TO, whatever its headers say.
/// </summary>
/// <remarks>
/// A failure before any message data went out (421, refused or dropped connection) is tried again on a fresh
/// connection a few times, then answered as Deferred with <see cref="TransportResult.ConnectionFailure"/>. A lost
/// connection after the data went out is answered as Unknown and never retried here: the caller retries it once with
/// the same Message-ID, which bounds the duplicates.
/// </remarks>
public sealed partial class SmtpTransport : IMailTransport, IAsyncDisposable
{
    /// <summary>Tries on fresh connections for a failure before the message data.</summary>
    internal const int Attempts = 3;

    /// <summary>The pause before the second try; doubled before the third.</summary>
    internal static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly SmtpOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<SmtpTransport> logger;
    private readonly int connections;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentStack<SmtpConnection> idle = new();
    private readonly SmtpRateLimiter limiter;
    // Cancels the waits for the rate limit (up to an hour with MessagesPerHour), so closing never waits on them.
    private readonly CancellationTokenSource closing = new();
    private int disposed;

    /// <param name="options">The relay.</param>
    /// <param name="time">The clock for pauses, rate limits and the opening guard.</param>
    /// <param name="logger">Logs codes and reasons only; never an address, a host's IP or a server's words.</param>
    /// <param name="name">The relay's name in logs, e.g. its configuration path; never its host, which may be an IP.</param>
    public SmtpTransport(SmtpOptions options, TimeProvider time, ILogger<SmtpTransport> logger, string name = "Broadsheet:Mail:Smtp")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Connections, 1);
        this.options = options;
        this.time = time;
        this.logger = logger;
        Name = name;
        connections = options.Connections;
        slots = new SemaphoreSlim(connections, connections);
        limiter = new SmtpRateLimiter(options.MessagesPerSecond, options.MessagesPerHour, time);
    }

    public string Name { get; }

    public async Task<TransportResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        await slots.WaitAsync(cancellationToken);
        if (Volatile.Read(ref disposed) != 0)
        {
            slots.Release();
            throw new ObjectDisposedException(nameof(SmtpTransport));
        }

        var connection = idle.TryPop(out var pooled) ? pooled : new SmtpConnection(options, time);
        try
        {
            await WaitForRateLimitAsync(cancellationToken);
            return await SendWithRetriesAsync(connection, message, cancellationToken);
        }
        finally
        {
            idle.Push(connection);
            slots.Release();
        }
    }

    /// <summary>Waits for the messages in flight, then says QUIT on every open connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await closing.CancelAsync();
        // Holding every slot means no send is in flight; each one is bounded by the relay timeouts.
        for (var i = 0; i < connections; i++)
        {
            await slots.WaitAsync();
        }

        using var guard = new CancellationTokenSource(options.Timeout, time);
        while (idle.TryPop(out var connection))
        {
            await connection.QuitAsync(guard.Token);
            connection.Dispose();
        }

        // Senders that were waiting for a slot wake up, see the transport is closed and say so.
        slots.Release(connections);
    }

    private async Task WaitForRateLimitAsync(CancellationToken cancellationToken)
    {
        if (!limiter.IsLimited)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, closing.Token);
        try
        {
            await limiter.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(SmtpTransport), "The SMTP transport was closed while the message waited for its rate limit.");
        }
    }

    private async Task<TransportResult> SendWithRetriesAsync(SmtpConnection connection, OutgoingMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reused = connection.IsOpen;
            var opened = connection.Opened;
            var result = await connection.SendAsync(message, cancellationToken);
            if (connection.Opened != opened)
            {
                LogOpened(Name, connection.Opened);
            }

            if (result.MayRetry && reused)
            {
                // A pooled connection the server had closed while idle (or after its per-session quota) is the usual
                // case and says nothing about the relay: open a fresh one at once, without spending a try.
                attempt--;
                continue;
            }

            if (!result.MayRetry || attempt == Attempts)
            {
                Report(result);
                return result.Result;
            }

            LogRetrying(Name, result.Reason, attempt + 1, Attempts);
            await Task.Delay(RetryPause * (1 << (attempt - 1)), time, cancellationToken);
        }
    }

    private void Report(SmtpAttempt attempt)
    {
        var result = attempt.Result;
        if (result.ConnectionFailure)
        {
            LogUnreachable(Name, attempt.Reason, result.StatusCode, result.EnhancedCode);
        }
        else if (result.Outcome == TransportOutcome.Unknown)
        {
            LogUnknown(Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP relay {Relay}: connection opened ({Times} time(s) on this pool slot)")]
    private partial void LogOpened(string relay, int times);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP relay {Relay}: {Reason}; trying again on a fresh connection (try {Attempt} of {Attempts})")]
    private partial void LogRetrying(string relay, string reason, int attempt, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP relay {Relay} cannot take mail: {Reason} (code {StatusCode} {EnhancedCode}); the message is deferred")]
    private partial void LogUnreachable(string relay, string reason, int? statusCode, string? enhancedCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP relay {Relay}: connection lost after the message data was sent; the outcome is unknown")]
    private partial void LogUnknown(string relay);
}
