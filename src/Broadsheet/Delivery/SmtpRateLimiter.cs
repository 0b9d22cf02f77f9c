namespace Broadsheet.Delivery;

/// <summary>
/// Spaces messages to one relay: at most <c>perSecond</c> a second, evenly paced, and at most <c>perHour</c> in any
/// sliding hour; a limit of 0 is off. Each caller reserves the earliest slot both limits allow and then waits for it
/// on the injected clock, so nothing spins and a burst of callers queues in order.
/// System.Threading.RateLimiting is not used: its limiters run on the system clock and cannot take a TimeProvider.
/// </summary>
internal sealed class SmtpRateLimiter
{
    private static readonly long HourTicks = TimeSpan.FromHours(1).Ticks;

    private readonly TimeProvider time;
    private readonly long intervalTicks;
    private readonly int perHour;
    // The reserved slots of the last perHour messages, oldest first; a new one may start an hour after the oldest.
    private readonly Queue<long> hour;
    private readonly Lock gate = new();
    private long nextPacedTicks;

    public SmtpRateLimiter(double perSecond, int perHour, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(perHour);
        this.time = time;
        this.perHour = perHour;
        intervalTicks = perSecond > 0 ? (long)(TimeSpan.TicksPerSecond / perSecond) : 0;
        hour = new Queue<long>(perHour > 0 ? Math.Min(perHour, 4096) : 0);
    }

    public bool IsLimited => intervalTicks > 0 || perHour > 0;

    /// <summary>Waits until this message may go. A cancelled wait gives up its slot, which only ever slows the rate.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (!IsLimited)
        {
            return;
        }

        long slot;
        lock (gate)
        {
            var now = time.GetUtcNow().UtcTicks;
            slot = Math.Max(now, nextPacedTicks);
            if (perHour > 0 && hour.Count == perHour)
            {
                slot = Math.Max(slot, hour.Dequeue() + HourTicks);
            }

            if (perHour > 0)
            {
                hour.Enqueue(slot);
            }

            if (intervalTicks > 0)
            {
                nextPacedTicks = slot + intervalTicks;
            }
        }

        var wait = slot - time.GetUtcNow().UtcTicks;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromTicks(wait), time, cancellationToken);
        }
    }
}
