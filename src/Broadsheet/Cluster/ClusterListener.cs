using Broadsheet.Delivery;
using Broadsheet.Publishing;
using Broadsheet.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Broadsheet.Cluster;

/// <summary>
/// Keeps this instance in step with the others on one PostgreSQL database: one dedicated connection that
/// <c>LISTEN</c>s on <see cref="ClusterChannel.Name"/>. A <c>content</c> message from another instance runs the local
/// <see cref="IContentChangeListener"/>s (the page cache, the readership slug map) except the
/// <see cref="ClusterBroadcaster"/>, so nothing is ever sent on; a <c>settings</c> message reads the saved settings
/// again (<see cref="SettingsService.ReloadAsync"/>) and then does the same; a <c>delivery</c> message only wakes this
/// instance's dispatcher (<see cref="DeliverySignal"/>), so every sending instance starts on a new send at once instead
/// of at its next poll. Its own messages are ignored.
/// </summary>
/// <remarks>
/// Notifications sent while the connection is down are lost for good, so every (re)connection ends with a full
/// refresh: everything cached is dropped and the settings are read again. That is also what closes the gap between
/// the host reading its settings at start and this connection's first <c>LISTEN</c>. A lost connection is tried again
/// after 0.25 s, doubling to at most 5 s. Npgsql's keepalive (a <c>SELECT NULL</c> every 15 s while waiting) notices a
/// connection that died without a word (a network partition), which would otherwise wait forever.
/// </remarks>
public sealed partial class ClusterListener(
    string connectionString,
    ClusterInstance instance,
    IServiceScopeFactory scopes,
    DeliverySignal delivery,
    TimeProvider time,
    ILogger<ClusterListener> logger)
{
    private const int ContentBit = 1;
    private const int SettingsBit = 2;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;

    /// <summary>
    /// Completes once the first connection is listening and its full refresh is done. Until then a change another
    /// instance makes is not heard, and the refresh will drop whatever this instance cached in the meantime.
    /// </summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>
    /// The <c>application_name</c> of an instance's listening connection, as <c>pg_stat_activity</c> shows it: an
    /// operator can see which instances are listening (and a test can find the one to cut).
    /// </summary>
    public static string ApplicationNameOf(string instanceId) => "broadsheet-listen-" + instanceId;

    /// <summary>Listens until <paramref name="stoppingToken"/> is cancelled, reconnecting whenever the connection is lost.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = ApplicationNameOf(instance.Id),
            // A connection of its own for the life of the process: a pool would only keep a dead one around.
            Pooling = false,
            KeepAlive = 15,
        }.ConnectionString;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(settings);
                connection.Notification += OnNotification;
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterChannel.Name}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Listening from here on; whatever changed before (at start, or while cut off) is caught up in full.
                Interlocked.Exchange(ref _pending, 0);
                await RefreshAsync(settings: true, stoppingToken);
                _caughtUp.TrySetResult();
                delivery.Notify(); // A send created while this instance was not listening is found now, not at the next poll.
                if (failures > 0)
                {
                    LogBack(failures);
                }

                failures = 0;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                    var pending = Interlocked.Exchange(ref _pending, 0);
                    if (pending != 0)
                    {
                        await RefreshAsync((pending & SettingsBit) != 0, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever broke (the server restarted, the connection was killed, a read failed), listening must go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return; // Stopping broke the wait: nothing was lost.
                }

                if (failures == 0)
                {
                    LogLost(e);
                }

                var delay = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, FirstRetry.Ticks << Math.Min(failures, 5)));
                failures++;
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object? sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel != ClusterChannel.Name)
        {
            return;
        }

        var (change, from) = ClusterChannel.Parse(e.Payload);
        if (from == instance.Id)
        {
            return;
        }

        if (change == ClusterChange.Delivery)
        {
            // Nothing cached depends on a send; the dispatcher (if this instance sends) looks for work now.
            delivery.Notify();
            return;
        }

        Interlocked.Or(ref _pending, change switch
        {
            ClusterChange.Content => ContentBit,
            ClusterChange.Settings => SettingsBit,
            _ => ContentBit | SettingsBit,
        });
    }

    private async Task RefreshAsync(bool settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (settings)
        {
            // Before the pages go: a page rendered in between would show the old publication name for ten minutes.
            await scope.ServiceProvider.GetRequiredService<SettingsService>().ReloadAsync(cancellationToken);
        }

        foreach (var listener in scope.ServiceProvider.GetServices<IContentChangeListener>())
        {
            if (listener is not ClusterBroadcaster)
            {
                await listener.ContentChangedAsync(cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped hearing other instances' changes (the listening connection or its catch-up failed); reconnecting")]
    private partial void LogLost(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hearing other instances' changes again after {Failures} failed attempt(s); cached pages and settings were refreshed")]
    private partial void LogBack(int failures);
}
