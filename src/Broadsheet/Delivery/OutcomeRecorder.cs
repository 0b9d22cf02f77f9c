using System.Threading.Channels;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Delivery;

/// <summary>
/// Writes delivery outcomes in group commits: every outcome that arrived while the last write ran goes into the
/// next transaction, so many senders cost one commit, and each sender learns its outcome is durable before it
/// takes another message. A group is never held back to wait for more: an outcome waiting in memory is a message
/// the server accepted that a crash would send again (a 5 ms wait was tried: four outcomes a commit instead of two,
/// and the SIGKILL crash test saw the same messages in flight at several kills).
/// </summary>
/// <param name="handled">Told how many outcomes a group held once it was written or gave up, on the recorder's thread:
/// the bookkeeping of messages in flight, done there so a sender's recording needs no continuation of its own.</param>
internal sealed class OutcomeRecorder(IServiceScopeFactory scopes, string owner, TimeProvider time, Action<int> handled)
{
    private const int MaxGroup = 256;
    private const int WriteAttempts = 5;

    private readonly Channel<(DeliveryOutcome Outcome, TaskCompletionSource Written)> _queue =
        Channel.CreateUnbounded<(DeliveryOutcome, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    public Task RecordAsync(DeliveryOutcome outcome)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((outcome, written)))
        {
            handled(1);
            written.SetException(new InvalidOperationException("The recorder has stopped."));
        }

        return written.Task;
    }

    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Writes outcomes on a thread of its own until <see cref="Complete"/> and the queue is empty.</summary>
    /// <param name="hardStop">Once cancelled, a failed write is no longer retried.</param>
    public Task RunAsync(CancellationToken hardStop)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The writes are synchronous (SQLite runs in this process): on a thread-pool thread each would hold one of the
        // threads the senders' sockets complete on, for the length of every commit.
        var thread = new Thread(() =>
        {
            try
            {
                Run(hardStop);
                finished.SetResult();
            }
#pragma warning disable CA1031 // Handed to whoever awaits the run.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                finished.SetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = "Broadsheet outcome recorder",
        };
        thread.Start();
        return finished.Task;
    }

    private void Run(CancellationToken hardStop)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
        using var store = new DeliveryStore(db);
        // Held open for the whole run: handed back to the pool after every group, a PostgreSQL connection was reset
        // (one more statement) each time it was taken again. One that cannot be opened now, or breaks later, is opened
        // by the next write, which retries and reports as before.
        try
        {
            db.Database.OpenConnection();
            store.RelaxOutcomeCommits();
        }
#pragma warning disable CA1031 // Not fatal here: the writes open the connection themselves.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        var group = new List<(DeliveryOutcome Outcome, TaskCompletionSource Written)>(MaxGroup);
        var outcomes = new List<DeliveryOutcome>(MaxGroup);

        // Not cancelled by a stop: outcomes of messages that went out must be written, or they would be sent again.
        while (WaitForOutcomes())
        {
            group.Clear();
            outcomes.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var item))
            {
                group.Add(item);
                outcomes.Add(item.Outcome);
            }

            var error = Write(store, outcomes, hardStop);
            handled(group.Count);
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

    // Blocks this thread (its own) until an outcome is queued; false once the queue is completed and empty.
    private bool WaitForOutcomes()
    {
        var waiting = _queue.Reader.WaitToReadAsync(CancellationToken.None);
        return waiting.IsCompleted ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();
    }

    private Exception? Write(DeliveryStore store, List<DeliveryOutcome> outcomes, CancellationToken hardStop)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                store.WriteOutcomes(outcomes, owner, time.GetUtcNow().UtcDateTime);
                return null;
            }
#pragma warning disable CA1031 // A database hiccup is retried; if it persists the senders stop and the leases lapse.
            catch (Exception exception) when (attempt < WriteAttempts && !hardStop.IsCancellationRequested)
#pragma warning restore CA1031
            {
                _ = exception;
                Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, CancellationToken.None).GetAwaiter().GetResult();
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
