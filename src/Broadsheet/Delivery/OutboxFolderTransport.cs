using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// The default transport: each message becomes one <c>.eml</c> file in <c>outbox/</c> under the data
/// folder, so a new install needs no mail server and the admin can show what would have been sent.
/// Files are written under a temporary name and renamed, so a reader never sees half a message.
/// </summary>
public sealed class OutboxFolderTransport(string dataDirectory, TimeProvider time) : IMailTransport
{
    public string Folder { get; } = Path.Combine(dataDirectory, "outbox");

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(Folder);
        // Sortable by time; the random part keeps two messages in one tick apart. Never derived from the address.
        var name = $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml";
        var temporary = Path.Combine(Folder, "." + name + ".tmp");
        await message.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, Path.Combine(Folder, name));
    }

    /// <summary>The messages in the outbox, newest first.</summary>
    public IReadOnlyList<string> List() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.eml").OrderByDescending(f => f, StringComparer.Ordinal).ToList()
            : [];
}
