using System.Threading.Channels;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Delivery;

/// <summary>
/// Writes delivery outcomes in group commits: every outcome that arrived while the last write ran goes into the
/// next transaction, so many senders cost one commit, and each sender learns its outcome is durable before it
/// takes another message. A group that has fewer outcomes than there are busy senders waits a moment
/// (<see cref="Linger"/>) for the others: senders finish their messages at different instants, and without the
/// wait nearly every outcome was a transaction of its own.
/// </summary>
/// <param name="busy">How many outcomes may still come soon: the senders that are working.</param>
internal sealed class OutcomeRecorder(IServiceScopeFactory scopes, string owner, TimeProvider time, Func<int> busy)
{
    private const int MaxGroup = 256;
    private const int WriteAttempts = 5;

    /// <summary>
    /// The longest a group waits for the outcomes of the other busy senders. Shorter than a message takes: a sender's
    /// next message goes out while its last outcome waits, and only that message's end waits for the commit. Real
    /// time, whatever clock the recorder is given, because it is about the machine, not about the business.
    /// </summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    private readonly Channel<(DeliveryOutcome Outcome, TaskCompletionSource Written)> _queue =
        Channel.CreateUnbounded<(DeliveryOutcome, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    public Task RecordAsync(DeliveryOutcome outcome)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((outcome, written)))
        {
            written.SetException(new InvalidOperationException("The recorder has stopped."));
        }

        return written.Task;
    }

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken hardStop)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        var store = new DeliveryStore(db);
        // Held open for the whole run: handed back to the pool after every group, a PostgreSQL connection was reset
        // (one more statement) each time it was taken again. A connection that breaks is opened again by the next write.
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        var group = new List<(DeliveryOutcome Outcome, TaskCompletionSource Written)>(MaxGroup);
        var outcomes = new List<DeliveryOutcome>(MaxGroup);

        // Not cancelled by a stop: outcomes of messages that went out must be written, or they would be sent again.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            outcomes.Clear();
            Take(group, outcomes);
            if (group.Count < Math.Min(MaxGroup, busy()))
            {
                await LingerAsync(group, outcomes);
            }

            var error = await WriteAsync(store, outcomes, hardStop);
            foreach (var (_, written) in group)
            {
                if (error is null)
                {
                    written.SetResult();
                }
                else
                {
                    written.SetException(error);
                }
            }
        }
    }

    private void Take(List<(DeliveryOutcome Outcome, TaskCompletionSource Written)> group, List<DeliveryOutcome> outcomes)
    {
        while (group.Count < MaxGroup && _queue.Reader.TryRead(out var item))
        {
            group.Add(item);
            outcomes.Add(item.Outcome);
        }
    }

    /// <summary>Adds to the group what arrives within <see cref="Linger"/>, until every busy sender has an outcome in it.</summary>
    private async Task LingerAsync(List<(DeliveryOutcome Outcome, TaskCompletionSource Written)> group, List<DeliveryOutcome> outcomes)
    {
        using var wait = new CancellationTokenSource(Linger);
        try
        {
            while (group.Count < Math.Min(MaxGroup, busy()) && await _queue.Reader.WaitToReadAsync(wait.Token))
            {
                Take(group, outcomes);
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            // The others are still busy: this group goes now.
        }
    }

    private async Task<Exception?> WriteAsync(DeliveryStore store, List<DeliveryOutcome> outcomes, CancellationToken hardStop)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.RecordAsync(outcomes, owner, time.GetUtcNow().UtcDateTime, CancellationToken.None);
                return null;
            }
#pragma warning disable CA1031 // A database hiccup is retried; if it persists the senders stop and the leases lapse.
            catch (Exception exception) when (attempt < WriteAttempts && !hardStop.IsCancellationRequested)
#pragma warning restore CA1031
            {
                _ = exception;
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, CancellationToken.None);
            }
#pragma warning disable CA1031
            catch (Exception exception)
#pragma warning restore CA1031
            {
                return exception;
            }
        }
    }
}
