using System.Threading.Channels;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Delivery;

/// <summary>
/// Runs the outbox: materialises sends, claims deliveries by lease, hands them to as many senders as the transport
/// has connections, and records each recipient's state after the server's reply, durably before the sender's next
/// message can be accepted (<see cref="OutcomeRecorder"/>: a group commit on PostgreSQL, an append to the outcome
/// journal on SQLite). So a crash repeats at most one message per connection, and a graceful stop
/// (<see cref="RunAsync"/> cancelled) finishes what is in flight and hands the rest back.
/// </summary>
public sealed partial class DeliveryDispatcher(
    IServiceScopeFactory scopes,
    IMailTransport transport,
    DeliverySignal signal,
    AddressProtector protector,
    IOptions<BroadsheetOptions> options,
    TimeProvider time,
    ILogger<DeliveryDispatcher> logger)
{
    private const int MaterialiseChunk = 20_000;
    private const int MaxRecordGroup = 256;
    private static readonly TimeSpan ConnectionRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    // How long in-flight messages may take to finish after a stop was asked for.
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly DeliveryOptions _delivery = options.Value.Mail.Delivery;

    // Claimed and not yet recorded, in this process: "idle" means none of these and nothing due.
    private int _inFlight;
    private DateTime _lastRenewal;
    private readonly object _stallLock = new();
    private DateTime? _failingSince;

    /// <summary>This process's name on leases: never an address or anything personal.</summary>
    public string Owner { get; } = $"{(Environment.MachineName.Length > 40 ? Environment.MachineName[..40] : Environment.MachineName)}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Messages in flight at once: the transport's connections.</summary>
    public int Senders => options.Value.Mail.Transport == MailTransportKind.Smtp ? Math.Max(1, options.Value.Mail.Smtp.Connections) : 2;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Sends until <paramref name="stopping"/> is cancelled, then drains within <see cref="DrainTimeout"/>.</summary>
    public Task RunAsync(CancellationToken stopping) => RunCoreAsync(untilIdle: false, stopping);

    /// <summary>Sends until nothing is left that can be sent now (or <paramref name="stopping"/> is cancelled).</summary>
    public Task RunUntilIdleAsync(CancellationToken stopping) => RunCoreAsync(untilIdle: true, stopping);

    private async Task RunCoreAsync(bool untilIdle, CancellationToken stopping)
    {
        // In-flight work gets its own token: a stop stops the claiming at once, and the senders only after the drain.
        using var hardStop = new CancellationTokenSource();
        await using var stopRegistration = stopping.Register(() => hardStop.CancelAfter(DrainTimeout));
        // Room for two batches: the next one is claimed while the senders work through the current one.
        var work = Channel.CreateBounded<DeliveryWork>(new BoundedChannelOptions(2 * Math.Max(_delivery.BatchSize, Senders)) { SingleWriter = true });
        var pacer = new ClaimPacer(_delivery.BatchSize, Senders, time);
        var recorder = new OutcomeRecorder(scopes, Owner, time, JournalDirectory(), count =>
        {
            Interlocked.Add(ref _inFlight, -count);
            pacer.Sent(count);
        });
        var recording = recorder.RunAsync(hardStop.Token);
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(() => SendLoopAsync(work.Reader, recorder, stopping, hardStop.Token), CancellationToken.None)).ToArray();
        try
        {
            await ClaimLoopAsync(work, pacer, untilIdle, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // A stop: fall through to the drain.
        }
        finally
        {
            work.Writer.TryComplete();
            await Task.WhenAll(senders).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            recorder.Complete();
            await recording.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ReleaseAsync(work.Reader);
        }
    }

    // On a SQLite file the outcomes are journalled beside it (OutcomeRecorder); null on PostgreSQL.
    private string? JournalDirectory()
    {
        using var scope = scopes.CreateScope();
        return OutcomeJournal.DirectoryFor(scope.ServiceProvider.GetRequiredService<BroadsheetDb>().Database.GetDbConnection());
    }

    private async Task ClaimLoopAsync(Channel<DeliveryWork> work, ClaimPacer pacer, bool untilIdle, CancellationToken stopping)
    {
        var renewEvery = _delivery.Lease / 3;
        _lastRenewal = DateTime.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await ClaimOnceAsync(work, pacer.Next(), untilIdle, renewEvery, stopping);
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or DbUpdateException or TimeoutException && !stopping.IsCancellationRequested)
            {
                // The database hiccuped (a restart, a deadlock victim, a lock timeout): try again shortly, never crash.
                LogClaimError(exception);
                await Task.Delay(_delivery.PollInterval, time, stopping);
                continue;
            }

            if (!more)
            {
                return;
            }
        }
    }

    /// <param name="size">How many to claim per send (<see cref="ClaimPacer"/>); the next claim is made when fewer than that are left queued.</param>
    /// <returns>False when running until idle and nothing is left.</returns>
    private async Task<bool> ClaimOnceAsync(Channel<DeliveryWork> work, int size, bool untilIdle, TimeSpan renewEvery, CancellationToken stopping)
    {
        if (work.Reader.Count >= size && Now - _lastRenewal < renewEvery)
        {
            // The senders have a batch in hand and the leases are fresh: nothing to ask the database yet.
            await Task.Delay(10, stopping);
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var store = new DeliveryStore(db);
        var now = Now;
        if (!await store.HoldDispatcherAsync(Owner, now, now + _delivery.Lease, stopping))
        {
            // Another process sends from this SQLite database; wait for its lease to lapse.
            if (untilIdle && !await AnyWorkAsync(db, now, stopping))
            {
                return false;
            }

            await signal.WaitAsync(_delivery.PollInterval, stopping);
            return true;
        }

        if (now - _lastRenewal >= renewEvery)
        {
            await store.RenewClaimsAsync(Owner, now + _delivery.Lease, stopping);
            _lastRenewal = now;
        }

        if (work.Reader.Count >= size)
        {
            // A batch is still waiting for the senders: claim more only when it is nearly through, so claims never
            // pile up past their lease (renewed above) with a slow or rate-limited relay.
            return true;
        }

        await MaterialiseAsync(db, store, stopping);
        var claimed = await ClaimAsync(db, store, work.Writer, size, stopping);
        if (claimed > 0)
        {
            return true;
        }

        // Only when there was nothing to claim can a send have ended; checking after every batch cost a scan each time.
        await store.FinishSendsAsync(Now, stopping);

        if (untilIdle)
        {
            if (Volatile.Read(ref _inFlight) > 0)
            {
                // What is in flight may come back due at once (an unknown outcome is retried straight away).
                await Task.Delay(5, stopping);
                return true;
            }

            if (!await AnyWorkAsync(db, Now, stopping))
            {
                // The last outcomes may have been recorded after the FinishSends above looked (it saw them still
                // claimed): look once more, or a run until idle could leave a fully sent send marked as sending.
                await store.FinishSendsAsync(Now, stopping);
                await store.ReleaseDispatcherAsync(Owner, stopping);
                return false;
            }
        }

        await signal.WaitAsync(_delivery.PollInterval, stopping);
        return true;
    }

    private async Task MaterialiseAsync(BroadsheetDb db, DeliveryStore store, CancellationToken stopping)
    {
        var sends = await db.Sends.Where(s => s.Status == SendStatus.Materialising).OrderBy(s => s.Id).ToListAsync(stopping);
        foreach (var send in sends)
        {
            var started = time.GetTimestamp();
            while (await store.MaterialiseChunkAsync(send, MaterialiseChunk, Now, stopping))
            {
                // Each chunk commits on its own; a crash resumes after the last one.
            }

            LogMaterialised(send.Id, send.Recipients, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Claims one batch per sending send (confirmations first: a reader is waiting) and queues it.</summary>
    private async Task<int> ClaimAsync(BroadsheetDb db, DeliveryStore store, ChannelWriter<DeliveryWork> work, int size, CancellationToken stopping)
    {
        var sends = await db.Sends.AsNoTracking().Where(s => s.Status == SendStatus.Sending)
            .OrderBy(s => s.Kind == SendKind.Confirmation ? 0 : 1).ThenBy(s => s.Id).ToListAsync(stopping);
        var total = 0;
        foreach (var send in sends)
        {
            var now = Now;
            var claims = await store.ClaimAsync(send.Id, Owner, size, now, now + _delivery.Lease, stopping);
            if (claims.Count == 0)
            {
                continue;
            }

            total += claims.Count;
            var ids = claims.Select(c => c.SubscriberId).ToList();
            // EF.Parameter: the list goes as one parameter (json_each on SQLite, = ANY on PostgreSQL). As one parameter
            // per id, SQLite looked each of a batch's 1,000 names up among the others: 2% of a running sender's CPU.
            var subscribers = await db.Subscribers.AsNoTracking().Where(s => EF.Parameter(ids).Contains(s.Id)).ToDictionaryAsync(s => s.Id, stopping);

            // Each address is decrypted once here: for the suppression check now and for the message later.
            var addresses = subscribers.Values.ToDictionary(s => s.Id, s =>
            {
                var address = protector.Decrypt(s.EmailEncrypted);
                return (Address: address, Hash: protector.SuppressionHash(address));
            });
            var suppressed = await SuppressedAsync(db, addresses.Values.Select(a => a.Hash).ToList(), stopping);
            foreach (var claim in claims)
            {
                var subscriber = subscribers.GetValueOrDefault(claim.SubscriberId);
                var (address, hash) = addresses.GetValueOrDefault(claim.SubscriberId);
                Interlocked.Increment(ref _inFlight);
                await work.WriteAsync(new DeliveryWork(claim, send, subscriber, address, hash, hash is not null && suppressed.Contains(Convert.ToHexString(hash))), stopping);
            }
        }

        return total;
    }

    /// <returns>The hex form of those of <paramref name="hashes"/> that are on the suppression list.</returns>
    private static async Task<HashSet<string>> SuppressedAsync(BroadsheetDb db, List<byte[]> hashes, CancellationToken stopping)
    {
        var found = hashes.Count == 0 ? [] : await db.Suppressions.AsNoTracking().Where(s => EF.Parameter(hashes).Contains(s.AddressHash)).Select(s => s.AddressHash).ToListAsync(stopping);
        return found.Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether anything can be done now: a send to materialise, or a delivery of a running send that is due.</summary>
    private static async Task<bool> AnyWorkAsync(BroadsheetDb db, DateTime now, CancellationToken stopping) =>
        await db.Sends.AnyAsync(s => s.Status == SendStatus.Materialising, stopping)
        || await db.Deliveries.AnyAsync(
            d => db.Sends.Any(s => s.Id == d.SendId && s.Status == SendStatus.Sending)
                 && (((d.State == DeliveryState.Pending || d.State == DeliveryState.Deferred || d.State == DeliveryState.Unknown) && d.NextAttemptAt <= now)
                     || (d.State == DeliveryState.Claimed && d.LeaseUntil < now)),
            stopping);

    private async Task SendLoopAsync(ChannelReader<DeliveryWork> work, OutcomeRecorder recorder, CancellationToken stopping, CancellationToken hardStop)
    {
        await using var scope = scopes.CreateAsyncScope();
        var composer = scope.ServiceProvider.GetRequiredService<DeliveryComposer>();
        // The recording of this sender's last outcome. The next message is composed and sent while it commits, but its
        // end is held back until it has (HeldEnd): never two accepted messages without a durable outcome per sender.
        var previous = Task.CompletedTask;
        try
        {
            // After a stop no new message is started: what is queued is handed back, what is in flight finishes.
            while (!stopping.IsCancellationRequested && await work.WaitToReadAsync(CancellationToken.None))
            {
                if (stopping.IsCancellationRequested || !work.TryRead(out var item))
                {
                    continue;
                }

                DeliveryOutcome outcome;
                try
                {
                    outcome = await DeliverAsync(item, composer, previous, hardStop);
                }
                catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
                {
                    // The drain ran out: this message's outcome is not known; its lease will lapse and it is retried.
                    Interlocked.Decrement(ref _inFlight);
                    return;
                }
#pragma warning disable CA1031 // One delivery's unexpected failure must not stop the others; it is recorded and retried.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogDeliveryError(exception, item.Claim.Id);
                    outcome = new DeliveryOutcome(item.Claim.Id, DeliveryState.Deferred, Now + ConnectionRetry, "error: " + exception.GetType().Name, Attempted: false, item.Claim.RetriedUnknown);
                }

                // A recording that failed stops this sender here (as it always did): the leases of what it holds lapse.
                await previous;
                previous = recorder.RecordAsync(outcome);
            }
        }
        finally
        {
            await previous;
        }
    }

    /// <param name="previous">The recording of the sender's previous outcome: this message cannot be accepted before it is done.</param>
    private async Task<DeliveryOutcome> DeliverAsync(DeliveryWork item, DeliveryComposer composer, Task previous, CancellationToken hardStop)
    {
        var claim = item.Claim;
        var eligible = item.Subscriber is { } subscriber && !item.Suppressed
            && (item.Send.Kind == SendKind.Confirmation ? subscriber.Status == SubscriberStatus.Pending : subscriber.Status == SubscriberStatus.Active);
        var message = eligible ? composer.Compose(item.Send, new DeliveryRecord { Id = claim.Id, SendId = claim.SendId }, item.Subscriber!, item.Address!) : null;
        if (message is null)
        {
            return new DeliveryOutcome(claim.Id, DeliveryState.Skipped, null, "not eligible at claim time", Attempted: false, claim.RetriedUnknown);
        }

        if (!previous.IsCompletedSuccessfully && !HeldEnd.Apply(message.Mime, previous))
        {
            await previous;
        }

        var result = await transport.SendAsync(message, hardStop);
        var now = Now;
        if (Stalled(result, now) is { } since)
        {
            await FailSendAsync(item.Send.Id, Truncate($"The mail server has taken no message since {since:u}: {result.Detail}", 500));
        }

        var detail = Truncate($"{result.StatusCode} {result.EnhancedCode} {result.Detail}".Trim(), 300);
        switch (result.Outcome)
        {
            case TransportOutcome.Sent:
                return new DeliveryOutcome(claim.Id, DeliveryState.Sent, null, detail, Attempted: true, claim.RetriedUnknown);
            case TransportOutcome.Rejected:
                return new DeliveryOutcome(claim.Id, DeliveryState.Failed, null, detail, Attempted: true, claim.RetriedUnknown)
                {
                    BounceSubscriberId = result.IsBadAddress ? item.Subscriber!.Id : null,
                    BounceAddressHash = result.IsBadAddress ? item.SuppressionHash : null,
                };
            case TransportOutcome.Unknown when !claim.RetriedUnknown:
                // It may have arrived; once more with the same Message-ID, so a receiving server or reader can tell.
                return new DeliveryOutcome(claim.Id, DeliveryState.Unknown, now, detail, Attempted: true, RetriedUnknown: true);
            case TransportOutcome.Unknown:
                return new DeliveryOutcome(claim.Id, DeliveryState.Failed, null, Truncate("outcome unknown twice (may have arrived): " + detail, 300), Attempted: true, RetriedUnknown: true);
            case TransportOutcome.Deferred when result.ConnectionFailure:
                // Nothing reached a server: not an attempt against the recipient, try again soon.
                return new DeliveryOutcome(claim.Id, DeliveryState.Deferred, now + ConnectionRetry, detail, Attempted: false, claim.RetriedUnknown);
            default:
                if (claim.Attempts + 1 >= _delivery.MaxAttempts)
                {
                    return new DeliveryOutcome(claim.Id, DeliveryState.Failed, null, Truncate($"gave up after {claim.Attempts + 1} attempts: {detail}", 300), Attempted: true, claim.RetriedUnknown);
                }

                var backoff = _delivery.FirstRetry * Math.Pow(2, Math.Min(claim.Attempts, 16));
                return new DeliveryOutcome(claim.Id, DeliveryState.Deferred, now + (backoff < MaxBackoff ? backoff : MaxBackoff), detail, Attempted: true, claim.RetriedUnknown);
        }
    }

    /// <summary>
    /// A transport that takes nothing (refused, timed out, black-holed) for <see cref="DeliveryOptions.StallAfter"/>
    /// fails the send with the reason, so an operator sees it instead of a send that never ends.
    /// </summary>
    /// <returns>Since when nothing has been taken, when that is longer than allowed; otherwise null.</returns>
    private DateTime? Stalled(TransportResult result, DateTime now)
    {
        lock (_stallLock)
        {
            if (!result.ConnectionFailure)
            {
                _failingSince = null;
                return null;
            }

            // The first failure was noticed only after the transport's timeout ran out: count from when it began.
            _failingSince ??= now - options.Value.Mail.Smtp.Timeout;
            return now - _failingSince >= _delivery.StallAfter ? _failingSince : null;
        }
    }

    private async Task FailSendAsync(long sendId, string reason)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sends = scope.ServiceProvider.GetRequiredService<SendService>();
        if (await sends.FailAsync(sendId, reason, CancellationToken.None))
        {
            LogSendFailed(sendId, reason);
        }
    }

    /// <summary>Hands back what was claimed but never started, so a restart (or another instance) takes it at once.</summary>
    private async Task ReleaseAsync(ChannelReader<DeliveryWork> work)
    {
        var ids = new List<long>();
        while (work.TryRead(out var item))
        {
            ids.Add(item.Claim.Id);
            Interlocked.Decrement(ref _inFlight);
        }

        if (ids.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        await db.Deliveries.Where(d => EF.Parameter(ids).Contains(d.Id) && d.LeaseOwner == Owner && d.State == DeliveryState.Claimed)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DeliveryState.Pending).SetProperty(d => d.LeaseOwner, (string?)null).SetProperty(d => d.LeaseUntil, (DateTime?)null), CancellationToken.None);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {SendId} materialised: {Recipients} recipients in {Milliseconds} ms")]
    private partial void LogMaterialised(long sendId, int recipients, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send {SendId} failed: {Reason}")]
    private partial void LogSendFailed(long sendId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming deliveries failed; trying again shortly")]
    private partial void LogClaimError(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} could not be made; it will be retried")]
    private partial void LogDeliveryError(Exception exception, long deliveryId);
}
