using Broadsheet.Delivery;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web;

/// <summary>
/// Runs the outbox dispatcher in the web host once the database is ready, when <c>Broadsheet:Workers:Delivery</c>
/// is on. A stop (SIGTERM) stops claiming at once and lets the messages in flight finish within ten seconds.
/// </summary>
internal sealed class DeliveryWorker(DeliveryDispatcher dispatcher, StartupGate gate, IOptions<BroadsheetOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Workers.Delivery)
        {
            return;
        }

        if (!await gate.OpenedAsync(stoppingToken))
        {
            return;
        }

        await dispatcher.RunAsync(stoppingToken);
    }
}
