namespace Broadsheet.Delivery;

/// <summary>
/// How many deliveries a dispatcher claims at a time: about <see cref="Ahead"/> of its own sending, measured as it goes,
/// between a floor and <see cref="DeliveryOptions.BatchSize"/>. With several sending instances a batch of a fixed size
/// left a slow instance holding up to two batches at the end of a send while the others had nothing left to claim
/// (bench/scale: three instances each sending a third as fast kept the last 2,000 rows for four seconds); claims the
/// size of half a second's work keep that tail short, and a fast single instance still claims its full batch.
/// </summary>
/// <remarks>Used by one claim loop at a time; <see cref="Sent"/> is safe from any sender.</remarks>
public sealed class ClaimPacer(int batchSize, int senders, TimeProvider time)
{
    /// <summary>How much of this process's own sending one claim should cover.</summary>
    public static readonly TimeSpan Ahead = TimeSpan.FromSeconds(0.5);

    // The rate is measured over windows at least this long, so one slow message does not swing it.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly int _floor = Math.Min(Math.Max(1, batchSize), Math.Max(senders * 8, 50));
    private readonly int _ceiling = Math.Max(1, batchSize);
    private long _sent;
    private long _windowSent;
    private long _windowStart = time.GetTimestamp();
    private double _rate;

    /// <summary>Messages per second this process sent lately (an average over the last windows); 0 before any was sent.</summary>
    public double Rate => _rate;

    /// <summary>Counts messages handled (sent, failed or deferred: each took a sender's time).</summary>
    public void Sent(int count = 1) => Interlocked.Add(ref _sent, count);

    /// <summary>How many to claim now: the full batch until a rate is known, then <see cref="Ahead"/> of it.</summary>
    public int Next()
    {
        var elapsed = time.GetElapsedTime(_windowStart);
        if (elapsed > 5 * Window)
        {
            // The process waited for work most of that time: it says nothing about how fast it sends.
            _windowSent = Interlocked.Read(ref _sent);
            _windowStart = time.GetTimestamp();
        }
        else if (elapsed >= Window)
        {
            var sent = Interlocked.Read(ref _sent);
            var count = sent - _windowSent;
            // An idle window says nothing about how fast this process sends: keep what was known.
            if (count > 0)
            {
                var rate = count / elapsed.TotalSeconds;
                _rate = _rate == 0 ? rate : (_rate + rate) / 2;
            }

            _windowSent = sent;
            _windowStart = time.GetTimestamp();
        }

        return _rate == 0 ? _ceiling : (int)Math.Clamp(_rate * Ahead.TotalSeconds, _floor, _ceiling);
    }
}
