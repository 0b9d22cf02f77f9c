using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Broadsheet.Data;

/// <summary>
/// Lets SQLite itself wait for another connection's write lock (<c>PRAGMA busy_timeout</c>) on every connection EF
/// opens. Without it Microsoft.Data.Sqlite retries a busy statement after sleeping 150 ms, so a writer that met a lock
/// held for a millisecond waited 150: the delivery engine's outcome writer, meeting the claim loop's transaction,
/// stalled every sender for 127 ms on average, some 60 times a minute (bench/send). SQLite's own handler retries within
/// a millisecond or two. The wait is bounded by the same 30 s as the command timeout.
/// </summary>
internal sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly int _milliseconds = (int)timeout.TotalMilliseconds;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    // Every request opens a connection (from the pool): the setting goes straight to the handle, the same call
    // PRAGMA busy_timeout makes, without preparing a statement each time.
    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, _milliseconds);
        }
    }
}
