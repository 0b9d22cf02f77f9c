using System.Data.Common;
using Broadsheet.Data;
using Broadsheet.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Broadsheet.Delivery;

/// <summary>
/// The delivery engine's SQL, in one place, with the reason for each statement's shape beside it. The statements
/// are the same on both providers except where a comment says otherwise (<c>FOR UPDATE SKIP LOCKED</c>).
/// One store per DbContext; not thread-safe.
/// </summary>
public sealed class DeliveryStore(BroadsheetDb db) : IDisposable
{
    // The outcome statement on SQLite, prepared by the first group (WriteOutcomes).
    private DbCommand? _record;
    // The connection's own setting, put back by Dispose after RelaxOutcomeCommits.
    private int? _restoreSynchronous;

    public const string DispatcherLease = "delivery-dispatcher";

    // States are stored as their enum names (EF's string conversion), so the SQL names them the same way.
    private const string Pending = nameof(DeliveryState.Pending);
    private const string Claimed = nameof(DeliveryState.Claimed);
    private const string Deferred = nameof(DeliveryState.Deferred);
    private const string Unknown = nameof(DeliveryState.Unknown);

    // SQLite: one process sends at a time. The lease row is taken or renewed by one conditional UPDATE: it succeeds
    // when the row is free, expired, or already ours; the row is created once, idempotently.
    private const string EnsureLeaseRow = """
        INSERT INTO worker_leases ("Name", "Owner", "Until") VALUES (@name, NULL, @epoch)
        ON CONFLICT ("Name") DO NOTHING
        """;

    private const string TakeLease = """
        UPDATE worker_leases SET "Owner" = @owner, "Until" = @until
        WHERE "Name" = @name AND ("Owner" IS NULL OR "Owner" = @owner OR "Until" < @now)
        """;

    // Only the lease holder claims on SQLite, so a claimed row that is not the holder's belongs to a process that
    // died: hand it back at once rather than wait for its own lease (a restart after a crash resumes in seconds).
    private const string ReleaseOrphans = """
        UPDATE deliveries SET "State" = 'Pending', "LeaseOwner" = NULL, "LeaseUntil" = NULL
        WHERE "State" = 'Claimed' AND "LeaseOwner" <> @owner
        """;

    private const string ReleaseLease = """UPDATE worker_leases SET "Owner" = NULL WHERE "Name" = @name AND "Owner" = @owner""";

    // Materialising: the next chunk of eligible subscribers by primary key, so each chunk is one range scan and the
    // cursor (the largest id done) makes it resumable. ON CONFLICT on the unique (send, subscriber) index makes a
    // repeated chunk (a crash before the cursor moved, a second instance) harmless. {subscribers} is SQLite's
    // "subscribers NOT INDEXED": its planner otherwise takes the (Status, Languages) index for Status = 'Active', which
    // nearly every row matches, and reads all of it for every chunk (and sorts it by id): 0.13 s a chunk at a million
    // subscribers instead of 0.01 s. NOT INDEXED still seeks by the primary key.
    private const string ChunkEnd = """
        SELECT MAX("Id") FROM (
            SELECT "Id" FROM {subscribers}
            WHERE "Id" > @after AND "Status" = 'Active' AND ("Languages" & @languages) <> 0
            ORDER BY "Id" LIMIT @limit) AS chunk
        """;

    private const string MaterialiseChunk = """
        INSERT INTO deliveries ("SendId", "SubscriberId", "State", "Attempts", "NextAttemptAt", "RetriedUnknown")
        SELECT @send, "Id", 'Pending', 0, @now, FALSE FROM {subscribers}
        WHERE "Id" > @after AND "Id" <= @upto AND "Status" = 'Active' AND ("Languages" & @languages) <> 0
        ON CONFLICT ("SendId", "SubscriberId") DO NOTHING
        """;

    // The cursor moves only from where this worker found it: if another instance moved it first, this one's chunk
    // was a duplicate (inserted nothing) and the update matches no row.
    private const string AdvanceCursor = """
        UPDATE sends SET "MaterialisedUpTo" = @upto, "Recipients" = "Recipients" + @added,
            "Status" = CASE WHEN @last THEN 'Sending' ELSE "Status" END,
            "StartedAt" = CASE WHEN @last THEN @now ELSE "StartedAt" END
        WHERE "Id" = @send AND "MaterialisedUpTo" = @after AND "Status" = 'Materialising'
        """;

    // The claim, per send and per state: one range of the (State, SendId, NextAttemptAt) index, oldest first, so a
    // big send's sent rows are never read again. PostgreSQL: SKIP LOCKED lets instances claim side by side without
    // waiting for or taking each other's rows. SQLite has one writer and one dispatcher (the lease above), so the
    // same statement without the locking clause is a single atomic conditional update.
    private const string ClaimSelect = """
        SELECT "Id" FROM deliveries
        WHERE "State" = @state AND "SendId" = @send AND "NextAttemptAt" <= @now
        ORDER BY "NextAttemptAt" LIMIT @limit
        """;

    // A claimed row whose lease has run out belonged to a worker that died: claim it again.
    private const string ExpiredSelect = """
        SELECT "Id" FROM deliveries
        WHERE "State" = 'Claimed' AND "SendId" = @send AND "LeaseUntil" < @now
        LIMIT @limit
        """;

    private const string ClaimUpdate = """
        UPDATE deliveries SET "State" = 'Claimed', "LeaseOwner" = @owner, "LeaseUntil" = @until
        WHERE "Id" IN ({0})
        RETURNING "Id", "SendId", "SubscriberId", "Attempts", "RetriedUnknown"
        """;

    // In id order, as the outcome writer locks its rows, so the two never wait for each other in a circle.
    private const string RenewClaims = """
        UPDATE deliveries SET "LeaseUntil" = @until
        WHERE "Id" IN (SELECT "Id" FROM deliveries WHERE "State" = 'Claimed' AND "LeaseOwner" = @owner ORDER BY "Id"{0})
        """;

    // Written after the server's reply, and only while the lease is still ours: a worker that lost its lease (it
    // stalled past it and another took the row) must not overwrite the other's result.
    private const string Record = """
        UPDATE deliveries SET "State" = @state, "Attempts" = "Attempts" + @attempted, "NextAttemptAt" = COALESCE(@next, "NextAttemptAt"),
            "SentAt" = CASE WHEN @state = 'Sent' THEN @now ELSE "SentAt" END, "LastResult" = @result,
            "RetriedUnknown" = @retried, "LeaseOwner" = NULL, "LeaseUntil" = NULL
        WHERE "Id" = @id AND "LeaseOwner" = @owner AND "State" = 'Claimed'
        """;

    // A 5.1.x answer (no such mailbox): never mail it again, in the same transaction as the outcome.
    private const string SuppressBounced = """
        INSERT INTO suppressions ("AddressHash", "Reason", "CreatedAt") VALUES (@hash, 'Bounced', @now)
        ON CONFLICT ("AddressHash") DO NOTHING
        """;

    private const string MarkBounced = """
        UPDATE subscribers SET "Status" = 'Bounced', "UpdatedAt" = @now WHERE "Id" = @id AND "Status" IN ('Active', 'Pending')
        """;

    // A send is finished when nothing in it can still be sent.
    private const string FinishSends = """
        UPDATE sends SET "Status" = 'Finished', "FinishedAt" = @now
        WHERE "Status" = 'Sending' AND NOT EXISTS (
            SELECT 1 FROM deliveries d WHERE d."SendId" = sends."Id" AND d."State" IN ('Pending', 'Claimed', 'Deferred', 'Unknown'))
        """;

    private bool IsPostgres => db.Database.IsNpgsql();

    private string ByPrimaryKey(string sql) =>
        sql.Replace("{subscribers}", IsPostgres ? "subscribers" : "subscribers NOT INDEXED", StringComparison.Ordinal);

    /// <summary>Takes or renews the SQLite dispatcher lease; on PostgreSQL every instance may dispatch.</summary>
    public async Task<bool> HoldDispatcherAsync(string owner, DateTime now, DateTime until, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return true;
        }

        await ExecuteAsync(EnsureLeaseRow, cancellationToken, ("name", DispatcherLease), ("epoch", DateTime.UnixEpoch));
        if (await ExecuteAsync(TakeLease, cancellationToken, ("name", DispatcherLease), ("owner", owner), ("until", until), ("now", now)) != 1)
        {
            return false;
        }

        // What a sender that died journalled is applied before its claims are handed back: those messages went out.
        if (OutcomeJournal.DirectoryFor(db.Database.GetDbConnection()) is { } journals)
        {
            OutcomeJournal.ReplayOthers(journals, owner, (deadOwner, outcomes) => WriteOutcomes(outcomes, deadOwner, now));
        }

        await ExecuteAsync(ReleaseOrphans, cancellationToken, ("owner", owner));
        return true;
    }

    public async Task ReleaseDispatcherAsync(string owner, CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            await ExecuteAsync(ReleaseLease, cancellationToken, ("name", DispatcherLease), ("owner", owner));
        }
    }

    /// <summary>Writes the next chunk of a send's delivery rows; returns false when the send is fully materialised.</summary>
    public async Task<bool> MaterialiseChunkAsync(Send send, int chunkSize, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var languages = (int)NewsletterLanguagesExtensions.Of(send.Language);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var after = send.MaterialisedUpTo;
        var end = await ScalarAsync<long?>(ByPrimaryKey(ChunkEnd), cancellationToken, ("after", after), ("languages", languages), ("limit", chunkSize));
        var upto = end ?? after;
        var added = end is null
            ? 0
            : await ExecuteAsync(ByPrimaryKey(MaterialiseChunk), cancellationToken, ("send", send.Id), ("now", now), ("after", after), ("upto", upto), ("languages", languages));
        var last = end is null || added < chunkSize;
        var moved = await ExecuteAsync(AdvanceCursor, cancellationToken,
            ("upto", upto), ("added", added), ("last", last), ("now", now), ("send", send.Id), ("after", after));
        if (moved == 0)
        {
            // Another worker got there first; its chunk stands, this one is dropped.
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        send.MaterialisedUpTo = upto;
        send.Recipients += added;
        return !last;
    }

    /// <summary>Claims up to <paramref name="limit"/> deliveries of one send: expired claims first, then retries, then new rows.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(long sendId, string owner, int limit, DateTime now, DateTime until, CancellationToken cancellationToken)
    {
        var claimed = new List<ClaimedDelivery>(limit);
        string[] selects = [ExpiredSelect, ClaimSelect, ClaimSelect, ClaimSelect];
        string?[] states = [null, Unknown, Deferred, Pending];
        for (var i = 0; i < selects.Length && claimed.Count < limit; i++)
        {
            var select = selects[i] + (IsPostgres ? " FOR UPDATE SKIP LOCKED" : "");
            var sql = ClaimUpdate.Replace("{0}", select, StringComparison.Ordinal);
            await using var command = Command(sql,
                ("owner", owner), ("until", until), ("send", sendId), ("now", now), ("limit", limit - claimed.Count), ("state", states[i] ?? Claimed));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetBoolean(4)));
            }
        }

        return claimed;
    }

    public Task<int> RenewClaimsAsync(string owner, DateTime until, CancellationToken cancellationToken) =>
        ExecuteAsync(RenewClaims.Replace("{0}", IsPostgres ? " FOR UPDATE" : "", StringComparison.Ordinal), cancellationToken, ("owner", owner), ("until", until));

    /// <summary>
    /// Writes a group of outcomes in one transaction (a group commit: one flush for many replies). Synchronous: the
    /// outcome recorder calls it from a thread of its own (SQLite runs in this process, so an asynchronous call would
    /// only have blocked a thread-pool thread the senders need).
    /// </summary>
    public void WriteOutcomes(IReadOnlyList<DeliveryOutcome> outcomes, string owner, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            return;
        }

        using var transaction = db.Database.BeginTransaction();
        // Rows are locked in id order, the order every multi-row statement here uses (no deadlock on PostgreSQL).
        var ordered = outcomes.OrderBy(o => o.DeliveryId).ToList();
        var connection = db.Database.GetDbConnection();
        if (connection.CanCreateBatch)
        {
            // PostgreSQL: the whole group in one round trip.
            using var batch = connection.CreateBatch();
            batch.Transaction = transaction.GetDbTransaction();
            foreach (var outcome in ordered)
            {
                AddToBatch(batch, Record, RecordParameters(outcome, owner, now));
                foreach (var (sql, parameters) in BounceStatements(outcome, now))
                {
                    AddToBatch(batch, sql, parameters);
                }
            }

            batch.ExecuteNonQuery();
        }
        else
        {
            // SQLite runs in this process: a statement costs no round trip, and one command, prepared once for the
            // store's life, serves every outcome of every group.
            _record ??= Command(Record, RecordParameters(ordered[0], owner, now));
            _record.Transaction = transaction.GetDbTransaction();
            foreach (var outcome in ordered)
            {
                // By position: the command's parameters were added in RecordParameters' order.
                var values = RecordParameters(outcome, owner, now);
                for (var i = 0; i < values.Length; i++)
                {
                    _record.Parameters[i].Value = values[i].Value;
                }

                _record.ExecuteNonQuery();
                foreach (var (sql, parameters) in BounceStatements(outcome, now))
                {
                    using var bounce = Command(sql, parameters);
                    bounce.ExecuteNonQuery();
                }
            }
        }

        transaction.Commit();
    }

    /// <summary>
    /// Lets this store's connection commit outcomes without waiting for the disk (SQLite's <c>synchronous = NORMAL</c>
    /// in WAL mode): a commit is still in the file when this process is killed, and only a power cut or an operating
    /// system crash can take back the last ones. An outcome taken back only sends its message again, which the crash
    /// rules allow; a subscriber or a send is never written through this connection. The flush was 0.26 ms of every
    /// group commit, on the path of every sender (bench/send). No change on PostgreSQL, whose commits are not this
    /// process's to relax. <see cref="Dispose"/> puts the setting back before the connection goes back to the pool.
    /// </summary>
    public void RelaxOutcomeCommits()
    {
        if (!IsPostgres && _restoreSynchronous is null)
        {
            using var read = Command("PRAGMA synchronous");
            var before = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            using var relax = Command("PRAGMA synchronous = NORMAL");
            relax.ExecuteNonQuery();
            _restoreSynchronous = before;
        }
    }

    private static (string Name, object Value)[] RecordParameters(DeliveryOutcome outcome, string owner, DateTime now) =>
    [
        ("state", outcome.State.ToString()), ("attempted", outcome.Attempted ? 1 : 0),
        ("next", outcome.NextAttemptAt is { } next ? next : DBNull.Value), ("now", now),
        ("result", outcome.LastResult is { } result ? result : DBNull.Value), ("retried", outcome.RetriedUnknown),
        ("id", outcome.DeliveryId), ("owner", owner),
    ];

    /// <summary>A 5.1.x bounce's suppression and subscriber update, written with its outcome; none for any other outcome.</summary>
    private static (string Sql, (string Name, object Value)[] Parameters)[] BounceStatements(DeliveryOutcome outcome, DateTime now) =>
        outcome is { BounceAddressHash: { } hash, BounceSubscriberId: { } subscriberId }
            ? [(SuppressBounced, [("hash", hash), ("now", now)]), (MarkBounced, [("id", subscriberId), ("now", now)])]
            : [];

    private static void AddToBatch(DbBatch batch, string sql, params (string Name, object Value)[] parameters)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        Bind(command.Parameters, command.CreateParameter, parameters);
        batch.BatchCommands.Add(command);
    }

    public Task<int> FinishSendsAsync(DateTime now, CancellationToken cancellationToken) =>
        ExecuteAsync(FinishSends, cancellationToken, ("now", now));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private DbCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        Bind(command.Parameters, command.CreateParameter, parameters);
        return command;
    }

    /// <summary>Adds the named values to a command's parameters (a plain command's or a batch command's).</summary>
    private static void Bind(DbParameterCollection target, Func<DbParameter> create, (string Name, object Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.Value = value;
            target.Add(parameter);
        }
    }

    /// <summary>Frees the prepared outcome statement and puts back the commit setting <see cref="RelaxOutcomeCommits"/> changed.</summary>
    public void Dispose()
    {
        _record?.Dispose();
        _record = null;
        if (_restoreSynchronous is { } before && db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
        {
            _restoreSynchronous = null;
            using var command = Command(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA synchronous = {before}"));
            command.ExecuteNonQuery();
        }
    }
}
