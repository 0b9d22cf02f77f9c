using Microsoft.Extensions.DependencyInjection;
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
    ILogger<DigestWorker> logger) : PollingWorker(time)
{
    protected override TimeSpan Interval => options.Value.SchedulerInterval;

    protected override bool Enabled => options.Value.Workers.Scheduler;

    protected override async Task PassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var pass = await scope.ServiceProvider.GetRequiredService<EditionService>().RunDueAsync(cancellationToken);
        if (pass.Prepared + pass.Started + pass.Finished > 0)
        {
            LogPass(pass.Prepared, pass.Started, pass.Finished);
        }
    }

    protected override void PassFailed(Exception exception) => LogFailed(exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest: {Prepared} edition(s) prepared, {Started} handed to the delivery engine, {Finished} finished")]
    private partial void LogPass(int prepared, int started, int finished);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The digest's pass failed; trying again on the next one")]
    private partial void LogFailed(Exception exception);
}
