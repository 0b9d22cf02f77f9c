using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using RowAt = (Broadsheet.Subscribers.ImportChunk Chunk, int Offset);

namespace Broadsheet.Subscribers;

/// <summary>The PostgreSQL side of the import: COPY straight into the tables, on two connections.</summary>
/// <remarks>
/// Each transaction is one batch of rows, written on one of two connections so that the server inserts one batch
/// while the other is sent and the next is validated (the server's index and foreign-key work per row is as large
/// as the importer's, and a single connection left one core idle half the time). A batch is split by the
/// <see cref="BlindIndexFilter"/> of the addresses already in the database when the import started:
/// <list type="bullet">
/// <item>rows that cannot be there yet are binary-COPied into <c>subscribers</c> with ids taken from its identity
/// sequence (no per-row <c>ON CONFLICT</c>);</item>
/// <item>rows that might be (re-imports, and the filter's few false positives) go through a session-private
/// staging table and <c>INSERT … ON CONFLICT DO NOTHING</c>, whose count is the rows actually inserted;</item>
/// <item>if the COPY meets the unique blind index anyway (an address signed up or imported elsewhere after the
/// filter was loaded), the whole transaction is rolled back and the batch redone through the staging table, so
/// correctness never depends on the filter.</item>
/// </list>
/// Either way a batch is committed whole or not at all, with the import's <see cref="ImportConsent"/> record when it
/// added anyone, and an existing subscriber is never touched.
/// </remarks>
public sealed partial class SubscriberImporter
{
    /// <summary>Connections writing batches at the same time; the second is opened when the first is busy.</summary>
    private const int PostgresWriters = 2;

    private const string PostgresCountSubscribers = "SELECT count(*) FROM subscribers";

    private const string PostgresExistingIndexes = """SELECT "EmailIndex" FROM subscribers""";

    private const string PostgresSubscriberIdSequence = """SELECT pg_get_serial_sequence('subscribers', 'Id')""";

    // Ids for the COPY, taken from the column's own identity sequence as a plain INSERT would (sequence values are
    // never handed out twice, whatever the transactions do; a rolled-back batch leaves a gap, as any insert does).
    private const string PostgresReserveIds = "SELECT nextval(@sequence::regclass) FROM generate_series(1, @count)";

    private const string PostgresCopyIntoSubscribers =
        """COPY subscribers ("Id", "EmailEncrypted", "EmailIndex", "NameEncrypted", "Status", "Languages", "CreatedAt", "UpdatedAt", "ConfirmedAt", "ImportConsentId") FROM STDIN (FORMAT BINARY)""";

    private const string PostgresCreateStageIfMissing = """
        CREATE TEMP TABLE IF NOT EXISTS subscriber_import (email bytea NOT NULL, email_index bytea NOT NULL, name bytea, languages integer NOT NULL)
            ON COMMIT DELETE ROWS
        """;

    /// <summary>
    /// The blind indexes in the database now, as a Bloom filter (see <see cref="BlindIndexFilter"/>). Read on the
    /// import's own connection before anything is written.
    /// </summary>
    private static async Task<BlindIndexFilter> LoadExistingIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        long count;
        await using (var counting = new NpgsqlCommand(PostgresCountSubscribers, connection))
        {
            count = (long)(await counting.ExecuteScalarAsync(cancellationToken))!;
        }

        // Subscribers added between the count and the scan only make the filter a little fuller (more false
        // positives, never a false negative for a row the scan saw).
        var filter = new BlindIndexFilter(count);
        if (count == 0)
        {
            return filter;
        }

        await using var scan = new NpgsqlCommand(PostgresExistingIndexes, connection);
        await using var reader = await scan.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        var buffer = new byte[64];
        while (await reader.ReadAsync(cancellationToken))
        {
            var length = (int)reader.GetBytes(0, 0, buffer, 0, buffer.Length);
            if (length >= 16)
            {
                filter.Add(KeyOf(buffer));
            }
        }

        return filter;
    }

    private static async Task<(long Sent, long Inserted)> WritePostgresAsync(
        NpgsqlConnection connection,
        BlindIndexFilter existing,
        ImportChunk.Pool chunkPool,
        ChannelReader<ImportChunk> chunks,
        ImportConsent consent,
        long totalBytes,
        IProgress<SubscriberImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        string sequence;
        await using (var lookup = new NpgsqlCommand(PostgresSubscriberIdSequence, connection))
        {
            sequence = (string?)await lookup.ExecuteScalarAsync(cancellationToken)
                ?? throw new InvalidOperationException("subscribers.Id has no identity sequence.");
        }

        var constants = new PostgresRowConstants(consent, sequence);
        var writers = new List<PostgresBatchWriter>(PostgresWriters);
        var idle = new Stack<PostgresBatchWriter>(PostgresWriters);
        var running = new List<Task<PostgresBatchResult>>(PostgresWriters);
        long sent = 0, inserted = 0, reportedRows = -1;
        try
        {
            var first = new PostgresBatchWriter(connection, ownsConnection: false, existing, chunkPool, constants);
            writers.Add(first);
            await first.StartAsync(cancellationToken);
            idle.Push(first);

            while (true)
            {
                var batch = await CollectBatchAsync(chunks, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                if (idle.Count == 0 && writers.Count < PostgresWriters)
                {
                    var extra = new PostgresBatchWriter(connection.CloneWith(connection.ConnectionString), ownsConnection: true, existing, chunkPool, constants);
                    writers.Add(extra);
                    await extra.StartAsync(cancellationToken);
                    idle.Push(extra);
                }

                if (idle.Count == 0)
                {
                    await CompleteOneAsync();
                }

                var writer = idle.Pop();
                running.Add(Task.Run(() => writer.WriteAsync(batch, cancellationToken), cancellationToken));
            }

            while (running.Count > 0)
            {
                await CompleteOneAsync();
            }

            return (sent, inserted);
        }
        finally
        {
            // On a failure, let the other connection's batch end (committed or rolled back) before closing it.
            try
            {
                await Task.WhenAll(running);
            }
            catch (Exception)
            {
                // The first failure is what the caller sees.
            }

            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }
        }

        async Task CompleteOneAsync()
        {
            var done = await Task.WhenAny(running);
            running.Remove(done);
            var result = await done;
            sent += result.Rows;
            inserted += result.Inserted;
            idle.Push(result.Writer);

            // Batches can finish out of order; the bar only moves forward.
            if (result.Reached.Rows > reportedRows)
            {
                reportedRows = result.Reached.Rows;
                progress?.Report(new SubscriberImportProgress(result.Reached.Rows, result.Reached.Bytes, totalBytes));
            }
        }
    }

    /// <summary>Up to <see cref="PostgresRowsPerTransaction"/> rows, or the file's last rows; empty at the end.</summary>
    private static async Task<List<ImportChunk>> CollectBatchAsync(ChannelReader<ImportChunk> chunks, CancellationToken cancellationToken)
    {
        var batch = new List<ImportChunk>(PostgresRowsPerTransaction / ChunkSize + 1);
        var rows = 0;
        while (rows < PostgresRowsPerTransaction && await chunks.WaitToReadAsync(cancellationToken))
        {
            while (rows < PostgresRowsPerTransaction && chunks.TryRead(out var chunk))
            {
                batch.Add(chunk);
                rows += chunk.Count;
            }
        }

        return batch;
    }

    private readonly record struct PostgresBatchResult(PostgresBatchWriter Writer, long Rows, long Inserted, (long Rows, long Bytes) Reached);

    /// <summary>What every row of this import shares, encoded once.</summary>
    private sealed class PostgresRowConstants(ImportConsent consent, string sequence)
    {
        private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        public ImportConsent Consent { get; } = consent;

        public string Sequence { get; } = sequence;

        /// <summary>timestamptz in PostgreSQL's binary form: microseconds since 2000-01-01 UTC (Npgsql truncates alike).</summary>
        public long NowMicroseconds { get; } = (consent.At.Ticks - PostgresEpochTicks) / 10;
    }

    /// <summary>One connection writing one batch at a time.</summary>
    private sealed class PostgresBatchWriter(
        NpgsqlConnection connection, bool ownsConnection, BlindIndexFilter existing, ImportChunk.Pool chunkPool, PostgresRowConstants constants)
        : IAsyncDisposable
    {
        private static ReadOnlySpan<byte> Active => "Active"u8;

        // Kept from batch to batch: allocated per batch they were large-object-heap garbage, freed only by full
        // collections, and a few dozen of them showed in the peak RSS.
        private readonly List<RowAt> _direct = new(PostgresRowsPerTransaction);
        private readonly List<RowAt> _careful = [];
        private long[] _ids = new long[PostgresRowsPerTransaction + ChunkSize];

        private NpgsqlCommand? _relaxCommit;
        private NpgsqlCommand? _reserveIds;
        private NpgsqlCommand? _insertFromStage;
        private NpgsqlCommand? _insertConsent;
        private NpgsqlParameter<int>? _idCount;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                await connection.OpenAsync(cancellationToken);
            }

            // Made once per session, outside the batches' transactions, so a rolled-back batch cannot take it away.
            await using (var create = new NpgsqlCommand(PostgresCreateStageIfMissing, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            _relaxCommit = new NpgsqlCommand(PostgresRelaxCommit, connection);
            _reserveIds = new NpgsqlCommand(PostgresReserveIds, connection);
            _reserveIds.Parameters.Add(new NpgsqlParameter<string>("sequence", NpgsqlDbType.Text) { TypedValue = constants.Sequence });
            _idCount = new NpgsqlParameter<int>("count", NpgsqlDbType.Integer);
            _reserveIds.Parameters.Add(_idCount);
            _insertFromStage = new NpgsqlCommand(PostgresInsertFromStage, connection);
            _insertFromStage.Parameters.Add(new NpgsqlParameter<DateTime>("now", NpgsqlDbType.TimestampTz) { TypedValue = constants.Consent.At });
            _insertFromStage.Parameters.Add(new NpgsqlParameter<long>("import", NpgsqlDbType.Bigint) { TypedValue = constants.Consent.Id });
            _insertConsent = new NpgsqlCommand { Connection = connection };
            AddImportConsent(_insertConsent, constants.Consent);
        }

        public async Task<PostgresBatchResult> WriteAsync(List<ImportChunk> batch, CancellationToken cancellationToken)
        {
            var direct = _direct;
            var careful = _careful;
            direct.Clear();
            careful.Clear();
            foreach (var chunk in batch)
            {
                for (var offset = 0; offset < chunk.Length;)
                {
                    var row = chunk.At(offset);
                    (existing.MightContain(KeyOf(row.Index)) ? careful : direct).Add((chunk, offset));
                    offset = row.Next;
                }
            }

            var rows = direct.Count + careful.Count;
            long inserted;
            try
            {
                inserted = await WriteTransactionAsync(direct, careful, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Rolled back whole: an address of this batch arrived after the filter was read. Again, carefully.
                careful.AddRange(direct);
                direct.Clear();
                inserted = await WriteTransactionAsync(direct, careful, cancellationToken);
            }

            var reached = (batch[^1].RowsRead, batch[^1].Bytes);
            foreach (var chunk in batch)
            {
                chunkPool.Return(chunk);
            }

            return new PostgresBatchResult(this, rows, inserted, reached);
        }

        private async Task<long> WriteTransactionAsync(List<RowAt> direct, List<RowAt> careful, CancellationToken cancellationToken)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            _relaxCommit!.Transaction = transaction;
            await _relaxCommit.ExecuteNonQueryAsync(cancellationToken);
            long inserted = 0;
            if (direct.Count > 0)
            {
                var ids = await ReserveIdsAsync(direct.Count, transaction, cancellationToken);
                await CopySubscribersAsync(direct, ids, cancellationToken);
                inserted += direct.Count;
            }

            if (careful.Count > 0)
            {
                await using (var copy = await CopyWriter.BeginAsync(connection, PostgresCopyIntoStage, cancellationToken))
                {
                    foreach (var (chunk, offset) in careful)
                    {
                        await copy.StartRowAsync(4, RoomFor(chunk, offset), cancellationToken);
                        WriteStageRow(copy, chunk.At(offset));
                    }

                    await copy.CompleteAsync(cancellationToken);
                }

                _insertFromStage!.Transaction = transaction;
                inserted += await _insertFromStage.ExecuteNonQueryAsync(cancellationToken);
            }

            if (inserted > 0)
            {
                _insertConsent!.Transaction = transaction;
                await _insertConsent.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return inserted;
        }

        private async Task<long[]> ReserveIdsAsync(int count, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            _idCount!.TypedValue = count;
            _reserveIds!.Transaction = transaction;
            if (_ids.Length < count)
            {
                _ids = new long[count];
            }

            var ids = _ids;
            var i = 0;
            await using (var reader = await _reserveIds.ExecuteReaderAsync(cancellationToken))
            {
                while (i < count && await reader.ReadAsync(cancellationToken))
                {
                    ids[i++] = reader.GetInt64(0);
                }
            }

            return i == count ? ids : throw new InvalidOperationException($"Asked the sequence for {count} ids and got {i}.");
        }

        private static void WriteStageRow(CopyWriter copy, ImportChunk.Row row)
        {
            copy.Bytes(row.Email);
            copy.Bytes(row.Index);
            copy.NullableBytes(row);
            copy.Int32(row.Languages);
        }

        private static void WriteSubscriberRow(CopyWriter copy, ImportChunk.Row row, long id, long now, long importConsentId)
        {
            copy.Int64(id);
            copy.Bytes(row.Email);
            copy.Bytes(row.Index);
            copy.NullableBytes(row);
            copy.Bytes(Active);
            copy.Int32(row.Languages);
            copy.Int64(now);
            copy.Int64(now);
            copy.Int64(now);
            copy.Int64(importConsentId);
        }

        private async Task CopySubscribersAsync(List<RowAt> rows, long[] ids, CancellationToken cancellationToken)
        {
            await using var copy = await CopyWriter.BeginAsync(connection, PostgresCopyIntoSubscribers, cancellationToken);
            var now = constants.NowMicroseconds;
            for (var i = 0; i < rows.Count; i++)
            {
                var (chunk, offset) = rows[i];
                await copy.StartRowAsync(10, RoomFor(chunk, offset) + 64, cancellationToken);
                WriteSubscriberRow(copy, chunk.At(offset), ids[i], now, constants.Consent.Id);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        // The row's values plus a length word for each of up to 16 fields.
        private static int RoomFor(ImportChunk chunk, int offset) => chunk.At(offset).Size + 2 + (16 * 4);

        public async ValueTask DisposeAsync()
        {
            if (_relaxCommit is not null)
            {
                await _relaxCommit.DisposeAsync();
                await _reserveIds!.DisposeAsync();
                await _insertFromStage!.DisposeAsync();
                await _insertConsent!.DisposeAsync();
            }

            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await using var drop = new NpgsqlCommand(PostgresDropStage, connection);
                    await drop.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (Exception) when (ownsConnection)
                {
                    // The session and its temp table end with the connection below.
                }
            }

            if (ownsConnection)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Rows in PostgreSQL's binary COPY format, written into a buffer and sent in 64 KB pieces through Npgsql's raw
    /// COPY stream: no per-field type resolution or async call, which cost more than the server's parsing.
    /// </summary>
    private sealed class CopyWriter : IAsyncDisposable
    {
        private const int BufferSize = 64 * 1024;

        private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

        private readonly NpgsqlRawCopyStream _stream;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        private int _used;
        private bool _finished;

        private CopyWriter(NpgsqlRawCopyStream stream)
        {
            _stream = stream;
        }

        public static async Task<CopyWriter> BeginAsync(NpgsqlConnection connection, string copy, CancellationToken cancellationToken)
        {
            var writer = new CopyWriter(await connection.BeginRawBinaryCopyAsync(copy, cancellationToken));
            // Signature, flags (no OIDs), header extension length.
            Signature.CopyTo(writer._buffer);
            writer._used = 11;
            writer.Int32Raw(0);
            writer.Int32Raw(0);
            return writer;
        }

        /// <param name="room">At least the bytes the row will take.</param>
        public async ValueTask StartRowAsync(short fields, int room, CancellationToken cancellationToken)
        {
            if (_used + room > _buffer.Length)
            {
                await FlushAsync(cancellationToken);
                if (room > _buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = ArrayPool<byte>.Shared.Rent(room);
                }
            }

            BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_used), fields);
            _used += 2;
        }

        public void Int32(int value)
        {
            Int32Raw(4);
            Int32Raw(value);
        }

        public void Int64(long value)
        {
            Int32Raw(8);
            BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_used), value);
            _used += 8;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Int32Raw(value.Length);
            value.CopyTo(_buffer.AsSpan(_used));
            _used += value.Length;
        }

        /// <summary>The row's encrypted name, or NULL.</summary>
        public void NullableBytes(ImportChunk.Row row)
        {
            if (row.HasName)
            {
                Bytes(row.Name);
            }
            else
            {
                Int32Raw(-1);
            }
        }

        /// <summary>Ends the data; throws the server's error (e.g. a unique violation) if it refused a row.</summary>
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (_used + 2 > _buffer.Length)
            {
                await FlushAsync(cancellationToken);
            }

            BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_used), -1);
            _used += 2;
            await FlushAsync(cancellationToken);
            _finished = true;
            await _stream.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_finished)
            {
                _finished = true;
                try
                {
                    await _stream.CancelAsync();
                }
                finally
                {
                    await _stream.DisposeAsync();
                }
            }

            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private void Int32Raw(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), value);
            _used += 4;
        }

        private async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            if (_used > 0)
            {
                await _stream.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
                _used = 0;
            }
        }
    }
}
