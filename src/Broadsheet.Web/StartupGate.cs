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
}
