using System.Threading.Channels;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Delivery;

/// <summary>
/// Records delivery outcomes. On PostgreSQL (and SQLite in memory) it writes them in group commits: every outcome that
/// arrived while the last write ran goes into the next transaction, so many senders cost one commit, and each sender
/// learns its outcome is durable before it takes another message. A group is never held back to wait for more: an
/// outcome waiting in memory is a message the server accepted that a crash would send again (a 5 ms wait was tried:
/// four outcomes a commit instead of two, and the SIGKILL crash test saw the same messages in flight at several kills).
/// On a SQLite file an outcome is durable once appended to this process's <see cref="OutcomeJournal"/>, and the
/// journalled outcomes go to the database every <see cref="ApplyEvery"/> in one transaction: the commit per group and
/// the wake-ups around it were 13% of a running sender's CPU (bench/send).
/// </summary>
/// <param name="journalDirectory">Where this process journals its outcomes (<see cref="OutcomeJournal.DirectoryFor"/>); null: group commits.</param>
/// <param name="handled">Told how many outcomes a group held once it was written or gave up, on the recorder's thread:
/// the bookkeeping of messages in flight, done there so a sender's recording needs no continuation of its own.</param>
internal sealed class OutcomeRecorder(IServiceScopeFactory scopes, string owner, TimeProvider time, string? journalDirectory, Action<int> handled)
{
    /// <summary>How often journalled outcomes are applied to the database: a few hundred in each transaction while a send runs.</summary>
    public static readonly TimeSpan ApplyEvery = TimeSpan.FromMilliseconds(50);

    private const int MaxJournalGroup = 4096;

    private const int MaxGroup = 256;
    private const int WriteAttempts = 5;

    // Written is null for a journalled outcome: its sender does not wait.
    private readonly Channel<(DeliveryOutcome Outcome, TaskCompletionSource? Written)> _queue =
        Channel.CreateUnbounded<(DeliveryOutcome, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly OutcomeJournal? _journal = journalDirectory is null ? null : OutcomeJournal.Create(journalDirectory, owner);
    private volatile Exception? _failure;
    private volatile bool _completing;

    public Task RecordAsync(DeliveryOutcome outcome)
    {
        if (_journal is not null)
        {
            return Journal(outcome);
        }

        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((outcome, written)))
        {
            handled(1);
            written.SetException(new InvalidOperationException("The recorder has stopped."));
        }

        return written.Task;
    }

    public void Complete()
    {
        _completing = true;
        _queue.Writer.TryComplete();
    }

    // Durable once appended: the sender goes on at once; the database gets it with the next group.
    private Task Journal(DeliveryOutcome outcome)
    {
        // Stopped (its journal closed) or failed: refused before anything is journalled, as the group commits refuse.
        Exception? refused = _completing ? new InvalidOperationException("The recorder has stopped.")
            : _failure is { } failure ? new InvalidOperationException("The recorder could not write outcomes to the database; they are kept in its journal.", failure)
            : null;
        if (refused is null)
        {
            try
            {
                _journal!.Append(outcome);
                _queue.Writer.TryWrite((outcome, null));
                return Task.CompletedTask;
            }
            catch (IOException e)
            {
                refused = e;
            }
        }

        handled(1);
        return Task.FromException(refused);
    }

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

        var group = new List<(DeliveryOutcome Outcome, TaskCompletionSource? Written)>(MaxGroup);
        var outcomes = new List<DeliveryOutcome>(MaxGroup);
        var max = _journal is null ? MaxGroup : MaxJournalGroup;

        try
        {
            // Not cancelled by a stop: outcomes of messages that went out must be written, or they would be sent again.
            while (WaitForOutcomes())
            {
                if (_journal is not null && !_completing)
                {
                    // Journalled: a wait costs nothing but a moment's lag in the database, and fills the next transaction.
                    Thread.Sleep(ApplyEvery);
                }

                group.Clear();
                outcomes.Clear();
                while (group.Count < max && _queue.Reader.TryRead(out var item))
                {
                    group.Add(item);
                    outcomes.Add(item.Outcome);
                }

                var error = _failure is null ? Write(store, outcomes, hardStop) : _failure;
                if (_journal is not null)
                {
                    if (error is null)
                    {
                        _journal.Applied(group.Count);
                    }
                    else
                    {
                        // The senders stop at their next outcome; the journal keeps these for the next process.
                        _failure ??= error;
                    }
                }

                handled(group.Count);
                foreach (var (_, written) in group)
                {
                    if (written is null)
                    {
                        continue;
                    }

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
        finally
        {
            _journal?.Dispose();
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
