using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Broadsheet.Delivery;

/// <summary>
/// On SQLite, where the database is a file on this machine, the outcomes of one sending process as lines appended to a
/// file beside the database (<c>broadsheet.db-outcomes/</c>), each in one write: durable against a killed process as
/// soon as it returns, like a SQLite commit without a flush, at a fraction of a commit's cost. The recorder applies them
/// to the database in large groups; whichever process next takes the dispatcher lease applies what a dead sender
/// journalled and did not apply (<see cref="DeliveryStore.HoldDispatcherAsync"/>) before it hands that sender's claims
/// back, so a crash still repeats at most the messages in flight.
/// </summary>
/// <remarks>
/// A line: delivery id, state, next attempt (ticks), attempted, retried-unknown, bounced subscriber, bounce hash (hex),
/// result (base64 of UTF-8), separated by tabs; empty where null. A line that was cut off (no newline) is ignored.
/// The first line names the owner whose claims the outcomes are for. A file is rotated once it passes
/// <see cref="RotateAt"/> bytes and deleted once all of its lines are in the database.
/// </remarks>
internal sealed class OutcomeJournal : IDisposable
{
    public const string Extension = ".journal";
    private const long RotateAt = 4 << 20;
    private const string OwnerPrefix = "owner\t";

    private readonly string _directory;
    private readonly string _owner;
    private readonly Lock _lock = new();
    // Files full and waiting for their last line to be applied: the path and how many lines were appended in all when it closed.
    private readonly Queue<(string Path, long UpTo)> _closed = new();
    // Opened by the first outcome: a process that never sends (it waits for another's dispatcher lease) leaves no file,
    // which the lease holder would otherwise take for a dead sender's and delete.
    private SafeFileHandle? _file;
    private string? _path;
    private long _offset;
    private long _appended;
    private long _applied;

    private OutcomeJournal(string directory, string owner)
    {
        _directory = directory;
        _owner = owner;
    }

    /// <summary>Where the journals of <paramref name="connection"/>'s database go; null when it is not a SQLite file (PostgreSQL, or in memory).</summary>
    public static string? DirectoryFor(System.Data.Common.DbConnection connection) =>
        connection is SqliteConnection sqlite && new SqliteConnectionStringBuilder(sqlite.ConnectionString) is { DataSource: { Length: > 0 } file, Mode: not SqliteOpenMode.Memory }
            && !file.Equals(":memory:", StringComparison.Ordinal)
            ? Path.GetFullPath(file) + "-outcomes"
            : null;

    /// <summary>A journal of <paramref name="owner"/>'s outcomes in <paramref name="directory"/> (made if missing).</summary>
    public static OutcomeJournal Create(string directory, string owner)
    {
        Directory.CreateDirectory(directory);
        return new OutcomeJournal(directory, owner);
    }

    /// <summary>Appends <paramref name="outcome"/> in one write; it is durable against a crash of this process once this returns.</summary>
    /// <exception cref="IOException">The write failed (a full disk): the outcome is not journalled.</exception>
    public void Append(DeliveryOutcome outcome)
    {
        var line = Encoding.UTF8.GetBytes(Format(outcome));
        lock (_lock)
        {
            if (_file is null)
            {
                (_file, _path, _offset) = Open();
            }
            else if (_offset >= RotateAt)
            {
                _file.Dispose();
                _closed.Enqueue((_path!, _appended));
                (_file, _path, _offset) = Open();
            }

            RandomAccess.Write(_file, line, _offset);
            _offset += line.Length;
            _appended++;
        }
    }

    /// <summary>Says that the next <paramref name="count"/> lines, in the order they were appended, are in the database.</summary>
    public void Applied(int count)
    {
        lock (_lock)
        {
            _applied += count;
            while (_closed.TryPeek(out var closed) && closed.UpTo <= _applied)
            {
                _closed.Dequeue();
                File.Delete(closed.Path);
            }
        }
    }

    /// <summary>Closes the journal; deletes it when every line is in the database, and otherwise leaves it for the next process to apply.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            if (_path is not null && _applied >= _appended)
            {
                File.Delete(_path);
            }
        }
    }

    /// <summary>
    /// Applies the journals other owners left in <paramref name="directory"/> with <paramref name="apply"/>
    /// (their owner and their outcomes, the last one per delivery), deleting each once that returned.
    /// </summary>
    /// <returns>How many outcomes were handed to <paramref name="apply"/>.</returns>
    public static int ReplayOthers(string directory, string owner, Action<string, IReadOnlyList<DeliveryOutcome>> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var total = 0;
        // Oldest first: a later file of the same owner holds later outcomes.
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*" + Extension).OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            // Only the first line, for this process's own journals: they are read on every claim and grow while it sends.
            if (OwnerOf(file.FullName) == owner)
            {
                continue;
            }

            var (fileOwner, outcomes) = Read(file.FullName);

            if (fileOwner is not null && outcomes.Count > 0)
            {
                apply(fileOwner, outcomes);
                total += outcomes.Count;
            }

            file.Delete();
        }

        return total;
    }

    /// <summary>A journal's owner and its outcomes, the last one per delivery (a retried delivery has several), in file order.</summary>
    internal static (string? Owner, List<DeliveryOutcome> Outcomes) Read(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        // The last piece has no newline after it: empty, or a line cut off by a crash.
        if (lines.Length < 2 || !lines[0].StartsWith(OwnerPrefix, StringComparison.Ordinal))
        {
            return (null, []);
        }

        var last = new Dictionary<long, int>();
        var outcomes = new List<DeliveryOutcome?>();
        for (var i = 1; i < lines.Length - 1; i++)
        {
            if (Parse(lines[i]) is not { } outcome)
            {
                continue;
            }

            if (last.TryGetValue(outcome.DeliveryId, out var earlier))
            {
                outcomes[earlier] = null;
            }

            last[outcome.DeliveryId] = outcomes.Count;
            outcomes.Add(outcome);
        }

        return (lines[0][OwnerPrefix.Length..], outcomes.OfType<DeliveryOutcome>().ToList());
    }

    private static string? OwnerOf(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return reader.ReadLine() is { } first && first.StartsWith(OwnerPrefix, StringComparison.Ordinal) ? first[OwnerPrefix.Length..] : null;
    }

    internal static string Format(DeliveryOutcome outcome) => string.Join('\t',
        outcome.DeliveryId.ToString(CultureInfo.InvariantCulture),
        outcome.State.ToString(),
        outcome.NextAttemptAt is { } next ? next.Ticks.ToString(CultureInfo.InvariantCulture) : "",
        outcome.Attempted ? "1" : "0",
        outcome.RetriedUnknown ? "1" : "0",
        outcome.BounceSubscriberId is { } subscriber ? subscriber.ToString(CultureInfo.InvariantCulture) : "",
        outcome.BounceAddressHash is { } hash ? Convert.ToHexString(hash) : "",
        outcome.LastResult is { } result ? Convert.ToBase64String(Encoding.UTF8.GetBytes(result)) : "") + "\n";

    private static DeliveryOutcome? Parse(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 8
            || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !Enum.TryParse<DeliveryState>(fields[1], ignoreCase: false, out var state) || !Enum.IsDefined(state))
        {
            return null;
        }

        try
        {
            return new DeliveryOutcome(
                id, state,
                fields[2].Length == 0 ? null : new DateTime(long.Parse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture), DateTimeKind.Utc),
                fields[7].Length == 0 ? null : Encoding.UTF8.GetString(Convert.FromBase64String(fields[7])),
                Attempted: fields[3] == "1", RetriedUnknown: fields[4] == "1")
            {
                BounceSubscriberId = fields[5].Length == 0 ? null : long.Parse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture),
                BounceAddressHash = fields[6].Length == 0 ? null : Convert.FromHexString(fields[6]),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private (SafeFileHandle File, string Path, long Offset) Open()
    {
        var path = System.IO.Path.Combine(_directory, Guid.NewGuid().ToString("N") + Extension);
        var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
        var header = Encoding.UTF8.GetBytes(OwnerPrefix + _owner + "\n");
        RandomAccess.Write(file, header, 0);
        return (file, path, header.Length);
    }
}
