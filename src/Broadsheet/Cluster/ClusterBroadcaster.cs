using System.Data.Common;
using Broadsheet.Data;
using Broadsheet.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Cluster;

/// <summary>
/// Tells the other instances on this PostgreSQL database that something changed (<c>NOTIFY broadsheet_changes</c>).
/// It is one <see cref="IContentChangeListener"/> among the local ones, so every door a change comes through (admin,
/// API, CLI, scheduler, digest) already reaches it; <see cref="ClusterListener"/> runs the others and never this one,
/// so a message received is never sent on again. On SQLite (one instance by design) it does nothing.
/// </summary>
public sealed partial class ClusterBroadcaster(BroadsheetDb db, ClusterInstance instance, ILogger<ClusterBroadcaster> logger) : IContentChangeListener
{
    public Task ContentChangedAsync(CancellationToken cancellationToken) => SendAsync(ClusterChange.Content, cancellationToken);

    public async Task SendAsync(ClusterChange change, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return;
        }

        try
        {
            // On the caller's own connection: inside a transaction PostgreSQL holds the notification until the commit
            // and drops it on a rollback, so no instance refreshes before the change can be read, or for nothing.
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({ClusterChannel.Name}, {ClusterChannel.Format(change, instance.Id)})", cancellationToken);
        }
        catch (DbException e)
        {
            // The change itself is saved; the others' cached pages run out within their lifetime (ten minutes).
            LogNotSent(e, change);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The other instances could not be told of a {Change} change; their cached copies expire on their own")]
    private partial void LogNotSent(Exception exception, ClusterChange change);
}
