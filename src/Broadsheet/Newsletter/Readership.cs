using System.Collections.Concurrent;
using Broadsheet.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Newsletter;

/// <summary>
/// Readership: page views of posts, counted on our side. A read only adds one to a number per post and UTC day in
/// memory (a lock-free dictionary; nothing is written on the request's path), and <see cref="FlushAsync"/> adds the
/// waiting numbers to <c>post_views</c> every few seconds and at shutdown. Nothing about the reader is ever held: no
/// cookie, address or user agent reaches this class, only a post id. One instance per process; a process that never
/// counts (the CLI) never writes.
/// </summary>
/// <remarks>
/// Counts taken for a flush are removed from the dictionary key by key (<c>TryRemove</c>), and a concurrent
/// <see cref="Count(int)"/> on the same key either lands before the removal (and is flushed) or starts a fresh key
/// (and waits for the next flush): none is lost or counted twice. A failed flush puts its counts back. The waiting
/// post-days are bounded (<see cref="MaxWaiting"/>), so a database that stays down cannot exhaust memory: beyond the
/// bound new post-days are dropped, and the next flush says how many with a warning.
/// </remarks>
public sealed partial class Readership(TimeProvider time, ILogger<Readership> logger)
{
    /// <summary>At most this many (post, day) counts wait in memory; new ones beyond it are dropped.</summary>
    public const int MaxWaiting = 100_000;

    private readonly ConcurrentDictionary<(int PostId, DateTime Day), long> _counts = new();

    // Kept beside the dictionary because ConcurrentDictionary.Count takes every lock: too dear for each read.
    private int _waiting;
    private long _dropped;

    /// <summary>How many (post, day) counts wait to be written.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>One read of the post's page, now.</summary>
    public void Count(int postId) => Add((postId, time.GetUtcNow().UtcDateTime.Date), 1);

    /// <summary>
    /// Adds the waiting counts to <c>post_views</c> in one transaction, one upsert per (post, day) in key order (so two
    /// instances flushing at once on PostgreSQL take their row locks in the same order and cannot deadlock). Counts of
    /// posts deleted meanwhile are skipped. On failure every count taken is put back for the next flush, and the
    /// exception is thrown for the caller to log.
    /// </summary>
    /// <returns>How many post-days were written.</returns>
    public async Task<int> FlushAsync(BroadsheetDb db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            LogDropped(dropped, MaxWaiting);
        }

        var batch = Take();
        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            var written = 0;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var ((postId, day), views) in batch)
            {
                // The same statement on SQLite and PostgreSQL. INSERT … SELECT … WHERE EXISTS skips a post deleted since
                // it was read (its row would break the foreign key); the WHERE also keeps SQLite's parser from reading
                // ON CONFLICT as part of the SELECT. The conflict target is the primary key (PostId, Day).
                written += await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO post_views ("PostId", "Day", "Views")
                    SELECT {postId}, {day}, {views}
                    WHERE EXISTS (SELECT 1 FROM posts WHERE "Id" = {postId})
                    ON CONFLICT ("PostId", "Day") DO UPDATE SET "Views" = post_views."Views" + excluded."Views"
                    """, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return written;
        }
        catch
        {
            foreach (var (key, views) in batch)
            {
                Add(key, views);
            }

            throw;
        }
    }

    private List<KeyValuePair<(int PostId, DateTime Day), long>> Take()
    {
        var batch = new List<KeyValuePair<(int PostId, DateTime Day), long>>();
        foreach (var key in _counts.Keys)
        {
            if (_counts.TryRemove(key, out var views))
            {
                Interlocked.Decrement(ref _waiting);
                batch.Add(new(key, views));
            }
        }

        batch.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        return batch;
    }

    private void Add((int PostId, DateTime Day) key, long views)
    {
        while (true)
        {
            if (_counts.TryGetValue(key, out var current))
            {
                if (_counts.TryUpdate(key, current + views, current))
                {
                    return;
                }

                continue; // Another thread changed or took it: read it again.
            }

            if (Volatile.Read(ref _waiting) >= MaxWaiting)
            {
                Interlocked.Add(ref _dropped, views);
                return;
            }

            if (_counts.TryAdd(key, views))
            {
                Interlocked.Increment(ref _waiting);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Views} page views: {Limit} post-days were already waiting to be written to the database")]
    private partial void LogDropped(long views, int limit);
}
