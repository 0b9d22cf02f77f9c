using System.Data.Common;
using System.Globalization;
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
    private readonly string _pragma = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds}");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // SQLite runs in this process: the statement is synchronous whichever way it is called.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }
}
