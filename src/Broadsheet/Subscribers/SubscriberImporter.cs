using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;
using HashKey = (ulong High, ulong Low);
using ProcessedRow = (long Line, string? Reason, byte[]? Index, byte[]? SuppressionHash, byte[]? Email, byte[]? Name, int Languages);
using RawRow = (long Line, string? Problem, int FieldCount, string Email, string Name, string Language, string Status);

namespace Broadsheet.Subscribers;

/// <summary>
/// Imports a newsroom's existing subscriber list from CSV (<c>email,name,language</c>, any order, header
/// names case-insensitive). The file streams through: rows are validated, hashed and encrypted in parallel,
/// de-duplicated and checked against the suppression list in file order, and written in large transactions
/// with provider-specific SQL (the named statements below) instead of EF change tracking.
/// </summary>
/// <remarks>
/// Imported subscribers are <see cref="SubscriberStatus.Active"/>: the newsroom already holds their consent, and
/// they share one <see cref="ImportConsent"/> record saying they came from this file. An address already in the
/// database is left exactly as it is (an unsubscribed reader is not re-subscribed), so importing the same file
/// twice changes nothing the second time.
/// </remarks>
public sealed partial class SubscriberImporter(BroadsheetDb db, AddressProtector protector, TimeProvider time, ILogger<SubscriberImporter> logger)
{
    private readonly ImportChunk.Pool _chunks = new();

    /// <summary>
    /// Rows handed from the validating side to the database writer at a time, packed into one reused buffer
    /// (<see cref="ImportChunk"/>), so rows waiting in the pipeline are not objects the collector has to promote.
    /// </summary>
    public const int ChunkSize = 1_000;

    // Chunks the validating side may run ahead of the database writer. A few let validation run on while the
    // database is busy; 16 on SQLite (to validate through a commit) measured no faster and only added memory, and
    // the PostgreSQL writer gathers a whole batch itself while two others are written.
    private const int ChunksAhead = 4;

    /// <summary>The same limit the signup form applies.</summary>
    public const int MaxNameLength = 100;

    private const int MaxSourceLength = 300;
    private const int ReadBufferSize = 64 * 1024;

    // Rows validated and encrypted as one work item on the thread pool: big enough to amortise the hand-off.
    private const int BatchSize = 1_000;

    // ---- Named SQL: the import's hot path, one place per provider ------------------------------------------

    // One statement, prepared once on the EF connection's own SQLite handle and re-bound per row through
    // SQLitePCL's raw API: at a million rows, the ADO.NET layer's per-execution work (a data reader, parameter
    // lookup by name) would cost more than SQLite's insert itself. ON CONFLICT on the unique blind index is what
    // makes a re-run harmless and leaves existing rows (and their status) untouched; sqlite3_changes() after each
    // step (1 or 0) tells "imported" from "already subscribed".
    private const string SqliteInsertSubscriber = """
        INSERT INTO subscribers ("EmailEncrypted", "EmailIndex", "NameEncrypted", "Status", "Languages", "CreatedAt", "UpdatedAt", "ConfirmedAt", "ImportConsentId")
        VALUES (?1, ?2, ?3, 'Active', ?4, ?5, ?5, ?5, ?6)
        ON CONFLICT ("EmailIndex") DO NOTHING
        """;

    // The blind index is an HMAC, so an insert lands on a random page of its B-tree, and a commit writes every page
    // it touched to the WAL: the cost of a transaction is the number of distinct index pages, not rows. So a
    // transaction spans many chunks (about a second of the write lock, well inside the 30 s busy timeout other
    // writers wait), and its rows are inserted in blind-index order: each page of that index is then read and changed
    // once in the transaction, where in file order a page left the cache and came back for most rows that land on it
    // (half the system time of a 1M-row import went on those page reads and writes). The price: on SQLite the ids of
    // a transaction's new subscribers follow their blind indexes, not their lines in the file; nothing reads meaning
    // into an id. A transaction's rows are held until it commits, and in that order the page cache barely matters:
    // SQLite's default 2 MB runs as fast as the 8 MB that file order needed. One transaction is written while the
    // next is gathered, so two are held at once (about 5 MB of chunks each). Measured on 1M rows: 5,000 rows a
    // transaction in file order ran at about half the speed; written one after the other, 64,000 sorted rows ran as
    // fast as 100,000 with less memory; overlapped, 40,000 ran faster than 32,000 and kept the peak RSS near 190 MB,
    // under bench/import's 200.
    private const int SqliteRowsPerTransaction = 40_000;

    // Both providers: the import's one consent record, written by every transaction that added a subscriber (after
    // its rows, so two PostgreSQL transactions wait on each other's copy of it only for a moment), so it exists exactly
    // when one of its subscribers does and a re-run that adds nobody writes nothing.
    private const string InsertImportConsent = """
        INSERT INTO import_consents ("Id", "At", "Source", "Language") VALUES (@id, @at, @source, @language)
        ON CONFLICT ("Id") DO NOTHING
        """;

    // PostgreSQL (see SubscriberImporter.Postgres.cs): rows that might already be there go through binary COPY into
    // a session-private staging table and the one statement below, which moves them into subscribers; its count is
    // the rows actually inserted (conflicts insert nothing). ON COMMIT DELETE ROWS empties the stage per transaction.
    private const string PostgresCopyIntoStage = "COPY subscriber_import (email, email_index, name, languages) FROM STDIN (FORMAT BINARY)";

    private const string PostgresInsertFromStage = """
        INSERT INTO subscribers ("EmailEncrypted", "EmailIndex", "NameEncrypted", "Status", "Languages", "CreatedAt", "UpdatedAt", "ConfirmedAt", "ImportConsentId")
        SELECT email, email_index, name, 'Active', languages, @now, @now, @now, @import FROM subscriber_import
        ON CONFLICT ("EmailIndex") DO NOTHING
        """;

    // Rows per transaction: a few large statements rather than many small ones. Two transactions are in flight at
    // a time (one per writing connection) and a third batch is being gathered, so this also bounds the memory.
    private const int PostgresRowsPerTransaction = 10_000;

    // The import is idempotent, so a crash that loses its last commits loses nothing a re-run does not restore;
    // not waiting for each commit's WAL flush is safe (never corrupting) and takes the flush off the critical path.
    private const string PostgresRelaxCommit = "SET LOCAL synchronous_commit = off";

    private const string PostgresDropStage = "DROP TABLE IF EXISTS pg_temp.subscriber_import";

    // Both providers.
    private const string SelectSuppressionHashes = """SELECT "AddressHash" FROM suppressions""";

    // ---------------------------------------------------------------------------------------------------------

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private static readonly SearchValues<byte> BlankBytes = SearchValues.Create(" \t\r\n"u8);

    /// <summary>
    /// Checks everything that would make the whole file unusable (missing, not UTF-8, empty, no header, no email
    /// column, no rows) before anything is written anywhere. Reads the file once, streaming.
    /// </summary>
    /// <exception cref="SubscriberImportException">The file cannot be imported; the message says why.</exception>
    public static SubscriberImportFile Inspect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new SubscriberImportException("No file was given: pass the path of a UTF-8 CSV file of subscribers.");
        }

        if (Directory.Exists(path))
        {
            throw new SubscriberImportException($"'{path}' is a directory, not a file: pass the path of a CSV file of subscribers.");
        }

        using var stream = OpenRead(path);
        var length = stream.Length;
        var lines = CheckEncoding(path, stream);

        SkipBom(stream);
        using var text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, ReadBufferSize, leaveOpen: true);
        var csv = new SubscriberCsvReader(text);
        var fields = new List<string>();
        do
        {
            if (!csv.Read(fields))
            {
                throw Empty(path);
            }
        }
        while (IsBlank(fields));

        if (csv.Problem is { } problem)
        {
            throw new SubscriberImportException($"The header line of '{path}' cannot be read: {problem}.");
        }

        var names = fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var email = ColumnOf(path, names, "email");
        var name = ColumnOf(path, names, "name");
        var language = ColumnOf(path, names, "language");
        var status = ColumnOf(path, names, "status");
        if (email < 0)
        {
            // The cells are not echoed: when the first line is data, they are somebody's address.
            throw new SubscriberImportException(
                fields.Any(f => f.Contains('@', StringComparison.Ordinal))
                    ? $"'{path}' has no header line: its first line looks like a row of data. Add a first line naming the columns, e.g. email,name,language."
                    : fields.Count == 1 && fields[0].Contains(';', StringComparison.Ordinal)
                        ? $"'{path}' has no email column: its header seems to be separated by semicolons. Save it as comma-separated CSV (UTF-8) and import it again."
                        : $"'{path}' has no email column: the first line must be a header naming the columns, e.g. email,name,language (name and language are optional).");
        }

        while (csv.Read(fields))
        {
            if (!IsBlank(fields))
            {
                return new SubscriberImportFile(Path.GetFullPath(path), length, lines, names.Count, email, name, language, status);
            }
        }

        throw new SubscriberImportException($"'{path}' has a header line but no rows: there is nothing to import.");
    }

    /// <summary>
    /// Reads a language choice: <c>en</c>, <c>ar</c>, or both as <c>both</c>, <c>ar,en</c>, <c>ar+en</c>
    /// (either order, any case). False for anything else, including an empty value.
    /// </summary>
    public static bool TryParseLanguages(string? text, out NewsletterLanguages languages)
    {
        languages = NewsletterLanguages.None;
        var value = (text ?? "").AsSpan().Trim();
        if (value.Equals("both", StringComparison.OrdinalIgnoreCase))
        {
            languages = NewsletterLanguages.Both;
            return true;
        }

        foreach (var range in value.SplitAny(",+ ;/"))
        {
            var part = value[range].Trim();
            if (part.Equals(Language.English, StringComparison.OrdinalIgnoreCase))
            {
                languages |= NewsletterLanguages.English;
            }
            else if (part.Equals(Language.Arabic, StringComparison.OrdinalIgnoreCase))
            {
                languages |= NewsletterLanguages.Arabic;
            }
            else if (!part.IsEmpty)
            {
                languages = NewsletterLanguages.None;
                return false;
            }
        }

        return languages != NewsletterLanguages.None;
    }

    /// <summary>
    /// Imports an inspected file and writes the rejected rows (line, reason) to <see cref="SubscriberImportFile.ReportPath"/>,
    /// replacing an older report. Chunks are committed as they go: an interrupted import keeps what it committed,
    /// and running it again finishes the job.
    /// </summary>
    /// <param name="defaultLanguages">For rows whose language cell is empty or absent.</param>
    public async Task<SubscriberImportResult> ImportAsync(
        SubscriberImportFile file,
        NewsletterLanguages defaultLanguages,
        IProgress<SubscriberImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        defaultLanguages &= NewsletterLanguages.Both;
        if (defaultLanguages == NewsletterLanguages.None)
        {
            throw new ArgumentException("The default languages must include English, Arabic or both.", nameof(defaultLanguages));
        }

        var consent = new ImportConsent
        {
            Id = Random.Shared.NextInt64(1, long.MaxValue),
            At = time.GetUtcNow().UtcDateTime,
            Source = Truncate("cli-import:" + Path.GetFileName(file.Path), MaxSourceLength),
            Language = SubscriberExporter.LanguagesText(defaultLanguages),
        };
        var reportTemp = file.ReportPath + ".part";

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            var suppressions = await LoadSuppressionsAsync(connection, cancellationToken);
            var existing = connection is NpgsqlConnection npgsql ? await LoadExistingIndexesAsync(npgsql, cancellationToken) : null;
            if (BeforeWriting is { } beforeWriting)
            {
                await beforeWriting(cancellationToken);
            }

            var chunks = Channel.CreateBounded<ImportChunk>(new BoundedChannelOptions(ChunksAhead)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var producer = Task.Run(() => ProduceAsync(file, defaultLanguages, suppressions, chunks.Writer, reportTemp, stop.Token), stop.Token);

            (long Sent, long Inserted) written;
            try
            {
                written = connection is NpgsqlConnection postgres
                    ? await WritePostgresAsync(postgres, existing!, _chunks, chunks.Reader, consent, file.Length, progress, stop.Token)
                    : await WriteSqliteAsync((SqliteConnection)connection, _chunks, chunks.Reader, consent, file.Length, progress, stop.Token);
            }
            catch
            {
                // Stop reading the file and wait for the reader, so the partial report can be removed.
                await stop.CancelAsync();
                await Task.WhenAny(producer);
                File.Delete(reportTemp);
                throw;
            }

            var counts = await producer;
            File.Move(reportTemp, file.ReportPath, overwrite: true);
            progress?.Report(new SubscriberImportProgress(counts.Rows, file.Length, file.Length));

            var result = new SubscriberImportResult(
                written.Inserted, written.Sent - written.Inserted, counts.Duplicates, counts.Suppressed, counts.Rejected, file.ReportPath);
            LogImported(result.Imported, result.AlreadySubscribed, result.DuplicatesInFile, result.Suppressed, result.Rejected);
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// For tests: runs after the importer has read what it needs from the database (suppressions, the addresses
    /// already there) and before it writes, e.g. to sign somebody up "concurrently".
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeWriting { get; set; }

    /// <summary>The words for why an address was refused, as the report gives them, e.g. <c>invalid address: syntax</c>.</summary>
    public static string Reason(EmailAddressError error) => "invalid address: " + error switch
    {
        EmailAddressError.Empty => "empty",
        EmailAddressError.TooLong => "too long",
        EmailAddressError.LocalPartTooLong => "part before the @ too long",
        EmailAddressError.ForbiddenCharacter => "spaces or hidden characters",
        EmailAddressError.Syntax => "syntax",
        EmailAddressError.Domain => "domain",
        _ => error.ToString().ToLowerInvariant(),
    };

    private static async Task<HashSet<HashKey>> LoadSuppressionsAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        // Loaded once, up front: a set lookup per row instead of a query per row. Keyed by the hash's first 128
        // bits, like the de-duplication below: value equality on a struct, and no chance collision in practice.
        // Plain SQL on the open connection, like the rest of the import (no EF query to compile at start-up).
        var set = new HashSet<HashKey>();
        await using var command = connection.CreateCommand();
        command.CommandText = SelectSuppressionHashes;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var hash = reader.GetFieldValue<byte[]>(0);
            if (hash.Length >= 16)
            {
                set.Add(KeyOf(hash));
            }
        }

        return set;
    }

    // Three stages, so that both cores work: one thread reads the CSV into batches; each batch is validated,
    // hashed and encrypted on the thread pool (AES-GCM and HMAC are most of the cost of a row); and this method
    // takes the batches back in file order, so "first occurrence wins" and the report's lines stay in order,
    // and hands full chunks to the database writer.
    private async Task<(long Rows, long Duplicates, long Suppressed, long Rejected)> ProduceAsync(
        SubscriberImportFile file,
        NewsletterLanguages defaultLanguages,
        HashSet<HashKey> suppressions,
        ChannelWriter<ImportChunk> output,
        string reportPath,
        CancellationToken cancellationToken)
    {
        long rows = 0, duplicates = 0, suppressed = 0, rejected = 0;
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = Channel.CreateBounded<Task<(ProcessedRow[] Rows, long Bytes)>>(new BoundedChannelOptions(Environment.ProcessorCount + 1)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var reading = Task.Run(() => ReadBatchesAsync(file, defaultLanguages, suppressions.Count > 0, batches.Writer, stopReading.Token), stopReading.Token);
        try
        {
            // De-duplicated by blind index: it is a function of the normalised address alone, so two rows share
            // it exactly when they share the normalised address. Its first 96 bits are kept, not the address:
            // 12 bytes a row, and an HMAC truncated to 96 bits does not collide by chance in any real list.
            // Sized once from the line count (an upper bound on the rows), so it never has to grow.
            var seen = new BlindIndexSet(file.Lines);
            await using var report = CreateReport(reportPath);
            await report.WriteAsync("line,reason\r\n");

            var chunk = _chunks.Rent();
            await foreach (var pending in batches.Reader.ReadAllAsync(cancellationToken))
            {
                var (processed, bytes) = await pending;
                foreach (var row in processed)
                {
                    rows++;
                    if (row.Reason is not null)
                    {
                        rejected++;
                        await report.WriteAsync(row.Line.ToString(CultureInfo.InvariantCulture));
                        await report.WriteAsync(',');
                        await SubscriberExporter.WriteCellAsync(report, row.Reason);
                        await report.WriteAsync("\r\n");
                        continue;
                    }

                    if (!seen.Add(KeyOf(row.Index!)))
                    {
                        duplicates++;
                        continue;
                    }

                    if (row.SuppressionHash is not null && suppressions.Contains(KeyOf(row.SuppressionHash)))
                    {
                        suppressed++;
                        continue;
                    }

                    chunk.Add(row.Email, row.Index, row.Name, row.Languages);
                    if (chunk.Count == ChunkSize)
                    {
                        chunk.RowsRead = rows;
                        chunk.Bytes = bytes;
                        await output.WriteAsync(chunk, cancellationToken);
                        chunk = _chunks.Rent();
                    }
                }
            }

            if (chunk.Count > 0)
            {
                chunk.RowsRead = rows;
                chunk.Bytes = file.Length;
                await output.WriteAsync(chunk, cancellationToken);
            }

            await reading;
            output.Complete();
            return (rows, duplicates, suppressed, rejected);
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            await stopReading.CancelAsync();
            await Task.WhenAny(reading);
            throw;
        }
    }

    private async Task ReadBatchesAsync(
        SubscriberImportFile file,
        NewsletterLanguages defaultLanguages,
        bool hashForSuppression,
        ChannelWriter<Task<(ProcessedRow[] Rows, long Bytes)>> output,
        CancellationToken cancellationToken)
    {
        try
        {
            using var stream = OpenRead(file.Path);
            SkipBom(stream);
            using var text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, ReadBufferSize);
            var csv = new SubscriberCsvReader(text);
            var fields = new List<string>();
            while (csv.Read(fields) && IsBlank(fields))
            {
                // Blank lines before the header; Inspect has already judged the header itself.
            }

            var batch = new List<RawRow>(BatchSize);
            while (csv.Read(fields))
            {
                if (IsBlank(fields) && csv.Problem is null)
                {
                    continue;
                }

                batch.Add((csv.Line, csv.Problem, fields.Count, Cell(fields, file.EmailColumn), Cell(fields, file.NameColumn), Cell(fields, file.LanguageColumn), Cell(fields, file.StatusColumn)));
                if (batch.Count == BatchSize)
                {
                    var full = batch;
                    var bytes = stream.Position;
                    await output.WriteAsync(Task.Run(() => Process(full, bytes, file, defaultLanguages, hashForSuppression), cancellationToken), cancellationToken);
                    batch = new List<RawRow>(BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await output.WriteAsync(Task.FromResult(Process(batch, file.Length, file, defaultLanguages, hashForSuppression)), cancellationToken);
            }

            output.Complete();
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException)
        {
            // Inspect read the whole file a moment ago, so this is a file changed or removed while importing.
            var changed = new SubscriberImportException(
                $"'{file.Path}' changed or became unreadable while it was being imported ({e.Message}). What was committed stays; run the import again.", e);
            output.TryComplete(changed);
            throw changed;
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
    }

    private (ProcessedRow[] Rows, long Bytes) Process(
        List<RawRow> batch, long bytes, SubscriberImportFile file, NewsletterLanguages defaultLanguages, bool hashForSuppression)
    {
        var processed = new ProcessedRow[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var raw = batch[i];
            var reason = Check(raw, file, defaultLanguages, out var address, out var name, out var languages);
            if (reason is not null)
            {
                processed[i] = (raw.Line, reason, null, null, null, null, 0);
                continue;
            }

            // Exactly what SubscriptionService stores: the normalised address and the name, each under AES-GCM,
            // and the blind index of the normalised address.
            var value = address!.Value;
            processed[i] = (
                raw.Line,
                null,
                protector.BlindIndex(value),
                hashForSuppression ? protector.SuppressionHash(value) : null,
                protector.Encrypt(value),
                name is null ? null : protector.Encrypt(name),
                (int)languages);
        }

        return (processed, bytes);
    }

    private static string? Check(
        RawRow row,
        SubscriberImportFile file,
        NewsletterLanguages defaultLanguages,
        out EmailAddress? address,
        out string? name,
        out NewsletterLanguages languages)
    {
        address = null;
        name = null;
        languages = defaultLanguages;
        if (row.Problem is not null)
        {
            return row.Problem;
        }

        // More cells than the header names means a comma was not quoted and the cells have shifted; fewer is
        // how many tools write empty trailing cells, and those are read as empty.
        if (row.FieldCount > file.ColumnCount)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{row.FieldCount} fields where the header has {file.ColumnCount} (an unquoted comma?)");
        }

        if (!EmailAddress.TryParse(Unneutralise(row.Email), out address, out var error))
        {
            return Reason(error);
        }

        // An export lists everyone with their status; importing it must not make an unsubscribed (or never
        // confirmed) reader active, so only rows the file itself calls active are taken.
        var status = row.Status.Trim();
        if (status.Length > 0 && !status.Equals("active", StringComparison.OrdinalIgnoreCase))
        {
            return Enum.TryParse<SubscriberStatus>(status, ignoreCase: true, out var known) && Enum.IsDefined(known)
                ? $"status {known.ToString().ToLowerInvariant()} (only active subscribers are imported)"
                : "unknown status (only active subscribers are imported)";
        }

        if (!string.IsNullOrWhiteSpace(row.Language) && !TryParseLanguages(row.Language, out languages))
        {
            return "unknown language (use en, ar or both)";
        }

        name = CleanName(Unneutralise(row.Name));
        if (name is { Length: > MaxNameLength })
        {
            return string.Create(CultureInfo.InvariantCulture, $"name longer than {MaxNameLength} characters");
        }

        if (name is not null && name.Any(char.IsControl))
        {
            return "name contains control characters";
        }

        return null;
    }

    private static async Task<(long Sent, long Inserted)> WriteSqliteAsync(
        SqliteConnection connection,
        ImportChunk.Pool chunkPool,
        ChannelReader<ImportChunk> chunks,
        ImportConsent consent,
        long totalBytes,
        IProgress<SubscriberImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        await using var insertConsent = connection.CreateCommand();
        AddImportConsent(insertConsent, consent);

        var handle = connection.Handle!;
        Check(handle, raw.sqlite3_prepare_v2(handle, SqliteInsertSubscriber, out var insert));
        // Two sets of rows: one being written (on the thread pool) while the other is gathered from the pipeline, so
        // validation and encryption go on during a commit instead of stopping a few chunks into it.
        var gathering = new SqliteTransactionRows();
        var spare = new SqliteTransactionRows();
        Task<(long Rows, long Added)>? writing = null;
        long sent = 0, inserted = 0;
        try
        {
            // The same text EF Core and Microsoft.Data.Sqlite write for a DateTime, so EF reads these rows back alike.
            var nowText = consent.At.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture);
            Check(handle, raw.sqlite3_bind_text(insert, 5, nowText));
            Check(handle, raw.sqlite3_bind_int64(insert, 6, consent.Id));
            await foreach (var chunk in chunks.ReadAllAsync(cancellationToken))
            {
                gathering.Add(chunk, totalBytes);
                if (gathering.Rows >= SqliteRowsPerTransaction)
                {
                    await StartWritingAsync();
                }
            }

            if (gathering.Rows > 0)
            {
                await StartWritingAsync();
            }

            await FinishWritingAsync();
        }
        finally
        {
            // On a failure, let a transaction in progress end (rolled back) before its statement is freed.
            if (writing is not null)
            {
                await Task.WhenAny(writing);
            }

            insert.Dispose();
        }

        return (sent, inserted);

        async Task StartWritingAsync()
        {
            await FinishWritingAsync();
            var rows = gathering;
            (gathering, spare) = (spare, gathering);
            writing = Task.Run(() => WriteTransactionAsync(rows), cancellationToken);
        }

        async Task FinishWritingAsync()
        {
            if (writing is not null)
            {
                var done = writing;
                writing = null;
                var (rows, added) = await done;
                sent += rows;
                inserted += added;
            }
        }

        async Task<(long Rows, long Added)> WriteTransactionAsync(SqliteTransactionRows rows)
        {
            // BEGIN IMMEDIATE: the write lock from the start rather than failing to upgrade a read later.
            await using var transaction = connection.BeginTransaction(deferred: false);
            long added = 0;

            // In blind-index order, each page of that (random) index is read and changed once in the transaction
            // rather than once per row that lands on it; the table and the other indexes grow at their ends either way.
            rows.Order.Sort();
            foreach (var key in rows.Order)
            {
                var row = rows.Held[key.Chunk].At(key.Offset);
                Check(handle, raw.sqlite3_bind_blob(insert, 1, row.Email));
                Check(handle, raw.sqlite3_bind_blob(insert, 2, row.Index));
                Check(handle, row.HasName ? raw.sqlite3_bind_blob(insert, 3, row.Name) : raw.sqlite3_bind_null(insert, 3));
                Check(handle, raw.sqlite3_bind_int(insert, 4, row.Languages));
                var status = raw.sqlite3_step(insert);
                raw.sqlite3_reset(insert);
                if (status != raw.SQLITE_DONE)
                {
                    Check(handle, status);
                }

                // 1 for a new row, 0 when ON CONFLICT found the address already there.
                added += raw.sqlite3_changes(handle);
            }

            if (added > 0)
            {
                insertConsent.Transaction = transaction;
                await insertConsent.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            var (count, reached) = (rows.Rows, rows.Reached);
            rows.Clear(chunkPool);
            progress?.Report(reached);
            return (count, added);
        }
    }

    /// <summary>The chunks of one SQLite transaction, held until it commits, and the order its rows go in.</summary>
    private sealed class SqliteTransactionRows
    {
        public List<ImportChunk> Held { get; } = [];

        public List<SortedRow> Order { get; } = new(SqliteRowsPerTransaction + ChunkSize);

        public long Rows { get; private set; }

        public SubscriberImportProgress Reached { get; private set; }

        public void Add(ImportChunk chunk, long totalBytes)
        {
            for (var offset = 0; offset < chunk.Length;)
            {
                var row = chunk.At(offset);
                Order.Add(new SortedRow(row.Index, Held.Count, offset));
                offset = row.Next;
            }

            Held.Add(chunk);
            Rows += chunk.Count;
            Reached = new SubscriberImportProgress(chunk.RowsRead, chunk.Bytes, totalBytes);
        }

        public void Clear(ImportChunk.Pool pool)
        {
            foreach (var chunk in Held)
            {
                pool.Return(chunk);
            }

            Held.Clear();
            Order.Clear();
            Rows = 0;
        }
    }

    /// <summary>Readies <see cref="InsertImportConsent"/> on either provider's command.</summary>
    private static void AddImportConsent(System.Data.Common.DbCommand command, ImportConsent consent)
    {
        command.CommandText = InsertImportConsent;
        foreach (var (name, value) in new (string, object)[] { ("id", consent.Id), ("at", consent.At), ("source", consent.Source), ("language", consent.Language) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>A row of a SQLite transaction, ordered by its blind index as SQLite orders the blobs (bytewise).</summary>
    private readonly record struct SortedRow(ulong High, ulong Low, int Chunk, int Offset) : IComparable<SortedRow>
    {
        public SortedRow(ReadOnlySpan<byte> index, int chunk, int offset)
            : this(BinaryPrimitives.ReadUInt64BigEndian(index), BinaryPrimitives.ReadUInt64BigEndian(index[8..]), chunk, offset)
        {
        }

        public int CompareTo(SortedRow other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
    }

    private static void Check(sqlite3 handle, int status)
    {
        if (status is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            throw new SqliteException(raw.sqlite3_errmsg(handle).utf8_to_string(), status, raw.sqlite3_extended_errcode(handle));
        }
    }


    /// <returns>The number of line breaks (LF or lone CR, roughly), for sizing.</returns>
    private static long CheckEncoding(string path, FileStream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        // Decoded and thrown away: GetChars, unlike GetCharCount, carries a character split between two reads over to the next.
        var chars = ArrayPool<char>.Shared.Rent(ReadBufferSize + 4);
        try
        {
            var decoder = StrictUtf8.GetDecoder();
            long offset = 0, lines = 1;
            var hasText = false;
            int read;
            while ((read = stream.Read(buffer, 0, ReadBufferSize)) > 0)
            {
                var bytes = buffer.AsSpan(0, read);
                var start = 0;
                if (offset == 0)
                {
                    if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
                    {
                        throw new SubscriberImportException($"'{path}' is encoded as UTF-16, not UTF-8. Save it again as CSV UTF-8 and import it once more.");
                    }

                    start = bytes.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
                }

                var content = bytes[start..];
                if (content.Contains((byte)0))
                {
                    throw new SubscriberImportException($"'{path}' looks like a binary file (it contains NUL bytes), not a CSV file. Export the list as CSV UTF-8 and import that.");
                }

                try
                {
                    decoder.GetChars(content, chars, flush: false);
                }
                catch (DecoderFallbackException e)
                {
                    throw NotUtf8(path, e.Index >= 0 ? offset + start + e.Index : null, e);
                }

                hasText = hasText || content.ContainsAnyExcept(BlankBytes);
                lines += content.Count((byte)'\n');
                offset += read;
            }

            try
            {
                decoder.GetChars([], chars, flush: true);
            }
            catch (DecoderFallbackException e)
            {
                throw NotUtf8(path, offset, e);
            }

            if (!hasText)
            {
                throw Empty(path);
            }

            return lines;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static SubscriberImportException NotUtf8(string path, long? offset, Exception inner)
    {
        var where = offset is { } at ? string.Create(CultureInfo.InvariantCulture, $" (the first bad byte is near offset {at})") : "";
        return new SubscriberImportException(
            $"'{path}' is not valid UTF-8 text{where}. It is probably in another encoding, such as Windows-1252 or Windows-1256: "
            + "save it again as CSV UTF-8 and import it once more. Nothing was imported.", inner);
    }

    private static SubscriberImportException Empty(string path) =>
        new($"'{path}' is empty: there is nothing to import. It needs a header line (e.g. email,name,language) and one row per subscriber.");

    private static int ColumnOf(string path, List<string> names, string column)
    {
        var first = names.IndexOf(column);
        if (first >= 0 && names.LastIndexOf(column) != first)
        {
            throw new SubscriberImportException($"The header of '{path}' names the column '{column}' twice: keep one.");
        }

        return first;
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            // No FileStream buffer: the StreamReader above it has its own.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SubscriberImportException($"File not found: '{path}'. Check the path and the spelling of the file name.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SubscriberImportException($"'{path}' cannot be read: permission denied.", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            throw new SubscriberImportException($"'{path}' cannot be read ({e.Message}).", e);
        }
    }

    // Done on the bytes rather than left to the reader: a BOM before a quoted first header cell would otherwise
    // turn the quote into text.
    private static void SkipBom(FileStream stream)
    {
        stream.Position = 0;
        Span<byte> start = stackalloc byte[3];
        var read = stream.ReadAtLeast(start, 3, throwOnEndOfStream: false);
        stream.Position = read == 3 && start.SequenceEqual(Utf8Bom) ? 3 : 0;
    }

    private static StreamWriter CreateReport(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Rejected rows are described by line number only, but the report sits beside a file of addresses
            // and is kept as private as it.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new StreamWriter(new FileStream(path, options), StrictUtf8);
    }

    private static string Cell(List<string> fields, int column) => column >= 0 && column < fields.Count ? fields[column] : "";

    private static bool IsBlank(List<string> fields)
    {
        foreach (var field in fields)
        {
            if (!string.IsNullOrWhiteSpace(field))
            {
                return false;
            }
        }

        return true;
    }

    // The export prefixes a quote to cells a spreadsheet would run as a formula; taking it off again here lets
    // an exported file be imported back unchanged.
    private static string Unneutralise(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && SubscriberExporter.NeedsNeutralising(cell.AsSpan(1)) ? cell[1..] : cell;

    // Line breaks in a quoted name cell, tabs and repeated spaces are layout, not part of a name.
    private static string? CleanName(string cell)
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return null;
        }

        if (!NeedsCleaning(cell))
        {
            return cell;
        }

        var builder = new StringBuilder(cell.Length);
        foreach (var c in cell.AsSpan().Trim())
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
            else if (builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    private static bool NeedsCleaning(string cell)
    {
        if (char.IsWhiteSpace(cell[0]) || char.IsWhiteSpace(cell[^1]))
        {
            return true;
        }

        for (var i = 1; i < cell.Length; i++)
        {
            if (char.IsWhiteSpace(cell[i]) && (cell[i] != ' ' || cell[i - 1] == ' '))
            {
                return true;
            }
        }

        return false;
    }

    // Two ulongs rather than a UInt128: the same 128 bits, but without UInt128's 16-byte alignment a set entry
    // takes 24 bytes instead of 32, a quarter less memory for the de-duplication set.
    private static HashKey KeyOf(ReadOnlySpan<byte> hash) => (BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Subscriber import: {Imported} imported, {AlreadySubscribed} already subscribed, {Duplicates} duplicates in the file, {Suppressed} suppressed, {Rejected} rejected")]
    private partial void LogImported(long imported, long alreadySubscribed, long duplicates, long suppressed, long rejected);
}
