using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Publishing;

/// <summary>
/// Publishes scheduled posts when their time comes. Polling a small index is cheaper and sturdier
/// than timers per post: a post whose time passed while the app was down is caught on the first pass.
/// </summary>
public sealed partial class ScheduledPostPublisher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<BroadsheetOptions> options,
    ILogger<ScheduledPostPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SchedulerInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var published = await scope.ServiceProvider.GetRequiredService<PostService>().PublishDueAsync(stoppingToken);
                if (published > 0)
                {
                    LogPublished(published);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive a database hiccup and try again on the next pass.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFailed(e);
            }

        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} scheduled post(s) whose time had come")]
    private partial void LogPublished(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing scheduled posts failed; trying again on the next pass")]
    private partial void LogFailed(Exception exception);
}
