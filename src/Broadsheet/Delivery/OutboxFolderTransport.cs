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

    public async Task<TransportResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mime = message.Mime;
        Directory.CreateDirectory(Folder);
        // Sortable by time; the random part keeps two messages in one tick apart. Never derived from the address.
        // Invariant: under a culture with another calendar the date would be written in it, and the viewer would not know the name.
        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml");
        var temporary = Path.Combine(Folder, "." + name + ".tmp");
        // A real relay records the envelope sender as Return-Path; the file keeps it the same way, so what the
        // admin shows is what a recipient's server would have stored.
        mime.Headers.Remove(HeaderId.ReturnPath);
        mime.Headers.Insert(0, new Header(HeaderId.ReturnPath, $"<{message.EnvelopeSender.Address}>"));
        await mime.WriteToAsync(temporary, cancellationToken);
        File.Move(temporary, Path.Combine(Folder, name));
        return TransportResult.Sent("written to the outbox folder");
    }

    /// <summary>The messages in the outbox, newest first.</summary>
    public IReadOnlyList<string> List() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.eml").OrderByDescending(f => f, StringComparer.Ordinal).ToList()
            : [];
}
