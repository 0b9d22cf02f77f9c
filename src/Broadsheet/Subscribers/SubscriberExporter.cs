using System.Buffers;
using System.Globalization;
using System.Text;
using Broadsheet.Data;
using Broadsheet.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Broadsheet.Subscribers;

/// <summary>
/// Writes every subscriber, decrypted, as CSV (<c>email,name,language,status,created,confirmed</c>): the file a
/// newsroom takes elsewhere or opens in a spreadsheet. Streams row by row, so the list never sits in memory.
/// </summary>
public sealed partial class SubscriberExporter(BroadsheetDb db, AddressProtector protector, ILogger<SubscriberExporter> logger)
{
    public const string Header = "email,name,language,status,created,confirmed";

    // A spreadsheet runs a cell starting with one of these as a formula (or, for tab and CR, may shift it so
    // that the next character does): CSV injection. OWASP's list.
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");

    // With a BOM, spreadsheet programs read the file as UTF-8 instead of the local code page, which would turn
    // every Arabic name into mojibake; the importer skips it.
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>Writes the CSV to <paramref name="destination"/> (left open) and returns the number of subscribers written.</summary>
    /// <param name="progress">Told the number of rows written so far, every few thousand rows.</param>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// A stored address cannot be decrypted: the privacy key is not the one the database was written with.
    /// </exception>
    public async Task<long> ExportAsync(Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var writer = new StreamWriter(destination, Utf8WithBom, bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteAsync(Header + "\r\n");

        long count = 0;
        // No tracking and only the columns the file needs: EF materialises each row and forgets it.
        var rows = db.Subscribers.AsNoTracking()
            .OrderBy(s => s.Id)
            .Select(s => new { s.EmailEncrypted, s.NameEncrypted, s.Languages, s.Status, s.CreatedAt, s.ConfirmedAt })
            .AsAsyncEnumerable()
            .WithCancellation(cancellationToken);
        await foreach (var row in rows)
        {
            await WriteCellAsync(writer, protector.Decrypt(row.EmailEncrypted));
            await writer.WriteAsync(',');
            await WriteCellAsync(writer, row.NameEncrypted is null ? "" : protector.Decrypt(row.NameEncrypted));
            await writer.WriteAsync(',');
            await WriteCellAsync(writer, LanguagesText(row.Languages));
            await writer.WriteAsync(',');
            await WriteCellAsync(writer, row.Status.ToString().ToLowerInvariant());
            await writer.WriteAsync(',');
            await WriteCellAsync(writer, Timestamp(row.CreatedAt));
            await writer.WriteAsync(',');
            await WriteCellAsync(writer, row.ConfirmedAt is { } confirmed ? Timestamp(confirmed) : "");
            await writer.WriteAsync("\r\n");
            count++;
            if (count % 5_000 == 0)
            {
                progress?.Report(count);
            }
        }

        await writer.FlushAsync(cancellationToken);
        progress?.Report(count);
        LogExported(count);
        return count;
    }

    /// <summary>One CSV cell: neutralised if a spreadsheet would take it for a formula, then quoted as RFC 4180 asks.</summary>
    public static async Task WriteCellAsync(TextWriter writer, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (NeedsNeutralising(value))
        {
            // A leading apostrophe makes the cell text in every spreadsheet; the importer removes it again.
            value = "'" + value;
        }

        if (value.AsSpan().ContainsAny(NeedsQuotes))
        {
            await writer.WriteAsync('"');
            await writer.WriteAsync(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            await writer.WriteAsync('"');
        }
        else
        {
            await writer.WriteAsync(value);
        }
    }

    /// <summary>Whether a cell starts with a character a spreadsheet would treat as the start of a formula.</summary>
    public static bool NeedsNeutralising(ReadOnlySpan<char> cell) => !cell.IsEmpty && FormulaStarts.Contains(cell[0]);

    /// <summary><c>en</c>, <c>ar</c> or <c>ar,en</c>, as the importer reads them back.</summary>
    public static string LanguagesText(NewsletterLanguages languages) => (languages & NewsletterLanguages.Both) switch
    {
        NewsletterLanguages.English => Language.English,
        NewsletterLanguages.Arabic => Language.Arabic,
        NewsletterLanguages.Both => "ar,en",
        _ => "",
    };

    private static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriber export: {Count} subscribers written")]
    private partial void LogExported(long count);
}
