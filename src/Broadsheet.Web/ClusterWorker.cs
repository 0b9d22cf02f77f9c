using Broadsheet.Cluster;

namespace Broadsheet.Web;

/// <summary>
/// Runs the <see cref="ClusterListener"/> in the web host on PostgreSQL (it is not registered on SQLite), once the
/// database is ready: its first refresh reads the settings table, which a new database has only after migrating.
/// </summary>
internal sealed class ClusterWorker(ClusterListener listener, StartupGate gate) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A start that failed has said why and is stopping the app: nothing to listen for, and nothing to add.
        if (!await gate.OpenedAsync(stoppingToken))
        {
            return;
        }

        await listener.RunAsync(stoppingToken);
    }
}
