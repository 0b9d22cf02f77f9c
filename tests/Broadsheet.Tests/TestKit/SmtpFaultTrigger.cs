namespace Broadsheet.Tests.TestKit;

/// <summary>
/// A fault that fires on the next N occasions, on every one, or not at all. Safe to change from a test while the
/// server is busy; each occasion takes one shot atomically, so N concurrent connections see exactly N faults.
/// </summary>
public sealed class SmtpFaultTrigger
{
    private const int Forever = -1;
    private int remaining;
    private int fired;

    /// <summary>How many times the fault has fired since the server started.</summary>
    public int Fired => Volatile.Read(ref fired);

    /// <summary>Fire on the next <paramref name="count"/> occasions, then stop.</summary>
    public void Next(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Volatile.Write(ref remaining, count);
    }

    /// <summary>Fire on every occasion until <see cref="Off"/>.</summary>
    public void Always() => Volatile.Write(ref remaining, Forever);

    /// <summary>Stop firing.</summary>
    public void Off() => Volatile.Write(ref remaining, 0);

    internal bool TryFire()
    {
        while (true)
        {
            var current = Volatile.Read(ref remaining);
            if (current == 0)
            {
                return false;
            }

            if (current == Forever || Interlocked.CompareExchange(ref remaining, current - 1, current) == current)
            {
                Interlocked.Increment(ref fired);
                return true;
            }
        }
    }
}
