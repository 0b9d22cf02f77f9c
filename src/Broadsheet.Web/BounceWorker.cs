using Broadsheet.Delivery;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web;

/// <summary>
/// Polls the bounce mailbox (<c>Broadsheet:Mail:Bounces</c>) on instances that deliver. A message is deleted only
/// after it was handled, so a crash in between means it is read again, which changes nothing the second time.
/// </summary>
internal sealed partial class BounceWorker(
    BounceMailbox mailbox,
    IServiceScopeFactory scopes,
    StartupGate gate,
    IOptions<BroadsheetOptions> options,
    TimeProvider time,
    ILogger<BounceWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Workers.Delivery || !mailbox.IsConfigured)
        {
            return;
        }

        if (!await gate.OpenedAsync(stoppingToken))
        {
            return;
        }

        var interval = options.Value.Mail.Bounces.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await mailbox.PollOnceAsync(HandleAsync, stoppingToken);
                if (handled > 0)
                {
                    LogHandled(handled);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (BounceMailboxException exception)
            {
                // The message names the server and what failed, never the password; the next poll tries again.
                LogPollFailed(exception.Message);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    private async Task<bool> HandleAsync(MimeKit.MimeMessage message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BounceProcessor>().HandleAsync(message, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Handled {Count} messages from the bounce mailbox")]
    private partial void LogHandled(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bounce mailbox could not be polled: {Reason}")]
    private partial void LogPollFailed(string reason);
}
