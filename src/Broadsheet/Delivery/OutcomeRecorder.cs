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
internal sealed class OutcomeRecorder(IServiceScopeFactory scopes, string owner, TimeProvider time)
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
        // (one more statement) each time it was taken again. One that cannot be opened now, or breaks later, is opened
        // by the next write, which retries and reports as before.
        try
        {
            await db.Database.OpenConnectionAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // Not fatal here: the writes open the connection themselves.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        var group = new List<(DeliveryOutcome Outcome, TaskCompletionSource Written)>(MaxGroup);
        var outcomes = new List<DeliveryOutcome>(MaxGroup);

        // Not cancelled by a stop: outcomes of messages that went out must be written, or they would be sent again.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            group.Clear();
            outcomes.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var item))
            {
                group.Add(item);
                outcomes.Add(item.Outcome);
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
