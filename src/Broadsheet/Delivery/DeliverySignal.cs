namespace Broadsheet.Delivery;

/// <summary>
/// Wakes this process's dispatcher when there is new work (a signup's confirmation), so a reader's mail does not
/// wait for the next poll. Other instances find the work at their next poll.
/// </summary>
public sealed class DeliverySignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        // At most one wake-up is remembered; more would only make the dispatcher look again for nothing.
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else released it between the check and here: one wake-up is enough.
            }
        }
    }

    public void Dispose() => _signal.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
