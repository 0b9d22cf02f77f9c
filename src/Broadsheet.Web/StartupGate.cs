namespace Broadsheet.Web;

/// <summary>
/// The database is prepared (migrations, demo content, due posts) while Kestrel starts, on the other
/// core; requests and background work wait here until it is done, so nothing sees a half-made schema.
/// </summary>
internal sealed class StartupGate
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public void Open() => _ready.TrySetResult();

    public void Fail(Exception exception) => _ready.TrySetException(exception);

    /// <summary>
    /// For background work: true once the database is ready, false when the start failed. The failure has been
    /// reported once, with its reason, and the host is stopping; a worker then just ends, rather than failing with the
    /// same error again (which the host would log, stack trace and all, once per worker).
    /// </summary>
    public async Task<bool> OpenedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Task.WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception) when (_ready.Task.IsFaulted)
        {
            return false;
        }
    }
}
