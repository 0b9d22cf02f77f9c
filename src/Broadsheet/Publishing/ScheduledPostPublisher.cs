using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Publishing;

/// <summary>
/// Publishes scheduled posts when their time comes (<see cref="PollingWorker"/>: a post whose time passed while the app
/// was down is caught on the first pass), on instances with <c>Broadsheet:Workers:Scheduler</c> on. Any number of them
/// may run: publishing is one conditional update, so a post goes public once whoever gets there first.
/// </summary>
public sealed partial class ScheduledPostPublisher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<BroadsheetOptions> options,
    ILogger<ScheduledPostPublisher> logger) : PollingWorker(time)
{
    protected override TimeSpan Interval => options.Value.SchedulerInterval;

    protected override bool Enabled => options.Value.Workers.Scheduler;

    protected override async Task PassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var published = await scope.ServiceProvider.GetRequiredService<PostService>().PublishDueAsync(cancellationToken);
        if (published > 0)
        {
            LogPublished(published);
        }
    }

    protected override void PassFailed(Exception exception) => LogFailed(exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} scheduled post(s) whose time had come")]
    private partial void LogPublished(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing scheduled posts failed; trying again on the next pass")]
    private partial void LogFailed(Exception exception);
}
