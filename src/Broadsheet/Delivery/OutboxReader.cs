using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// Reads the folder of <c>.eml</c> files that <see cref="OutboxFolderTransport"/> writes, for the admin's outbox viewer.
/// A name is only ever taken from a caller after it matched the exact pattern the transport writes (a timestamp, a
/// dash, 32 hex digits, <c>.eml</c>), so no request can reach a file outside the folder or one the transport did not
/// write (its half-written temporary files included).
/// </summary>
public sealed partial class OutboxReader(string dataDirectory)
{
    /// <summary>The folder's name under the data folder, as <see cref="OutboxFolderTransport"/> uses it.</summary>
    public const string FolderName = "outbox";

    public string Folder { get; } = Path.Combine(dataDirectory, FolderName);

    /// <summary>Whether <paramref name="name"/> is a file name the transport could have written (a name, never a path).</summary>
    public static bool IsMessageName([NotNullWhen(true)] string? name) => name is not null && MessageName().IsMatch(name);

    /// <summary>The names of the messages in the folder, newest first (the names sort by the time they were written).</summary>
    /// <remarks>
    /// Names only: a big send in the default set-up leaves a file per recipient, and sorting their names is cheap where
    /// opening them is not; a caller reads the headers of the page it shows (<see cref="ReadHeaders"/>).
    /// </remarks>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateFiles(Folder, "*.eml")
                .Select(path => Path.GetFileName(path))
                .Where(IsMessageName)
                .OrderDescending(StringComparer.Ordinal)
                .ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The file of one message, or null when the name is not one the transport writes or the file is gone.</summary>
    public FileInfo? Find(string? name)
    {
        if (!IsMessageName(name))
        {
            return null;
        }

        var file = new FileInfo(Path.Combine(Folder, name));
        return file.Exists ? file : null;
    }

    /// <summary>Only the headers of one message (cheap enough for a list), or null as for <see cref="Find"/>.</summary>
    /// <exception cref="FormatException">The file is not a message MimeKit can parse.</exception>
    public HeaderList? ReadHeaders(string? name)
    {
        if (Find(name) is not { } file)
        {
            return null;
        }

        try
        {
            using var stream = file.OpenRead();
            return HeaderList.Load(stream);
        }
        catch (FileNotFoundException)
        {
            return null; // Removed (by an operator cleaning the folder) between the listing and the read.
        }
    }

    /// <summary>One whole message, or null as for <see cref="Find"/>. The caller disposes it.</summary>
    /// <exception cref="FormatException">The file is not a message MimeKit can parse.</exception>
    public MimeMessage? Read(string? name)
    {
        if (Find(name) is not { } file)
        {
            return null;
        }

        try
        {
            return MimeMessage.Load(file.FullName);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    // yyyyMMdd'T'HHmmssfff, a dash, a Guid in "N" form: what OutboxFolderTransport.SendAsync names its files.
    [GeneratedRegex(@"\A[0-9]{8}T[0-9]{9}-[0-9a-f]{32}\.eml\z", RegexOptions.CultureInvariant)]
    private static partial Regex MessageName();
}
