using Broadsheet.Publishing;

namespace Broadsheet.Tests.TestKit;

public sealed class RecordingChangeListener : IContentChangeListener
{
    private int _count;

    public int Count => _count;

    public Task ContentChangedAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }
}
