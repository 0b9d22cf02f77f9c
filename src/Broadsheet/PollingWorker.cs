using Microsoft.Extensions.Hosting;

namespace Broadsheet;

/// <summary>
/// A background job that looks for due work every interval. Polling a small index is cheaper and sturdier than a
/// timer per item: whatever fell due while the app was down, or while the clock jumped, is caught on the next pass,
/// and a failed pass (a database hiccup) is simply tried again on the one after.
/// </summary>
public abstract class PollingWorker(TimeProvider time) : BackgroundService
{
    /// <summary>How long between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>False when this instance is configured not to do this work at all.</summary>
    protected virtual bool Enabled => true;

    /// <summary>One pass over the due work.</summary>
    protected abstract Task PassAsync(CancellationToken cancellationToken);

    /// <summary>Says that a pass failed (it is retried on the next one).</summary>
    protected abstract void PassFailed(Exception exception);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                await PassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a failed pass and try again on the next.
            catch (Exception e)
#pragma warning restore CA1031
            {
                PassFailed(e);
            }
        }
    }
}
