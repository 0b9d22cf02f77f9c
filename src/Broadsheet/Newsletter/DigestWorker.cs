using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broadsheet.Newsletter;

/// <summary>
/// The digest's clock, on instances with <c>Broadsheet:Workers:Scheduler</c> on: every scheduler interval it prepares
/// the editions coming up, sends the due ones and closes the finished ones (<see cref="EditionService.RunDueAsync"/>).
/// Polling rather than sleeping until the send time: a clock change, a restart or a changed schedule needs no special
/// case, and every pass is safe on any number of instances.
/// </summary>
public sealed partial class DigestWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<BroadsheetOptions> options,
    ILogger<DigestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Workers.Scheduler)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SchedulerInterval, time, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var pass = await scope.ServiceProvider.GetRequiredService<EditionService>().RunDueAsync(stoppingToken);
                if (pass.Prepared + pass.Started + pass.Finished > 0)
                {
                    LogPass(pass.Prepared, pass.Started, pass.Finished);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The clock must survive a database hiccup and look again on the next pass.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest: {Prepared} edition(s) prepared, {Started} handed to the delivery engine, {Finished} finished")]
    private partial void LogPass(int prepared, int started, int finished);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The digest's pass failed; trying again on the next one")]
    private partial void LogFailed(Exception exception);
}
